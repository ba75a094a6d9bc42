import type { RequestEvent } from '@sveltejs/kit';
import { MAX_BODY_BYTES, apiReplyHeaders, type ApiReply, type Endpoint } from './respond';

function toResponse(reply: ApiReply): Response {
	// With a length, adapter-node sends the body in one write instead of chunked.
	return new Response(reply.body, { status: reply.status, headers: { ...apiReplyHeaders, 'Content-Length': String(Buffer.byteLength(reply.body)) } });
}

/** Serves an endpoint of the student API as a SvelteKit route (`vite dev`, `node build`). */
export async function serveOverKit(endpoint: Endpoint, { request, getClientAddress }: RequestEvent): Promise<Response> {
	const tooLarge = Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES;
	const reply = await endpoint({
		body: tooLarge ? null : await request.text(),
		acceptLanguage: request.headers.get('accept-language'),
		clientAddress: getClientAddress
	});
	return toResponse(reply);
}
