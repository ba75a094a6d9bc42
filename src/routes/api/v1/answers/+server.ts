import { serveOverKit } from '$lib/server/api/kit-transport';
import { answers } from '$lib/server/api/student-endpoints';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) => serveOverKit(answers, event);
