/** The teacher's live count stream: every `data: {"n": ...}` it sends, as numbers. */
export async function watchLive(url: string, headers: Record<string, string>, fetcher: typeof fetch = fetch) {
	const abort = new AbortController();
	const response = await fetcher(url, { headers, signal: abort.signal });
	const counts: number[] = [];
	const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
	const reading = (async () => {
		let buffer = '';
		for (;;) {
			const { value, done } = await reader.read();
			if (done) return;
			buffer += value;
			for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
				const event = buffer.slice(0, end);
				buffer = buffer.slice(end + 2);
				const data = /^data: (.*)$/m.exec(event);
				if (data && !event.startsWith('event:')) counts.push((JSON.parse(data[1]!) as { n: number }).n);
			}
		}
	})().catch(() => {});
	return {
		response,
		counts,
		async close() {
			abort.abort();
			await reading;
		}
	};
}

