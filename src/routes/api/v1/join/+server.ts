import { serveOverKit } from '$lib/server/api/kit-transport';
import { join } from '$lib/server/api/student-endpoints';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) => serveOverKit(join, event);
