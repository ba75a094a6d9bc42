import net from 'node:net';

/**
 * A loopback TCP proxy in front of a database server, so a test can make the database
 * "go away" and come back without touching the shared PostgreSQL server.
 */
export interface TcpProxy {
	port: number;
	/** Refuses new connections and cuts the open ones. */
	cut(): Promise<void>;
	/** Listens again on the same port. */
	restore(): Promise<void>;
	close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
	const sockets = new Set<net.Socket>();
	const track = (socket: net.Socket) => {
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
	};
	const server = net.createServer((client) => {
		const upstream = net.connect(targetPort, targetHost);
		track(client);
		track(upstream);
		client.pipe(upstream).pipe(client);
		client.on('error', () => upstream.destroy());
		upstream.on('error', () => client.destroy());
	});
	const listen = (port: number) =>
		new Promise<number>((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
		});
	const stopListening = () =>
		new Promise<void>((resolve) => {
			for (const socket of sockets) socket.destroy();
			if (server.listening) server.close(() => resolve());
			else resolve();
		});
	const port = await listen(0);
	return {
		port,
		cut: stopListening,
		restore: async () => {
			await listen(port);
		},
		close: stopListening
	};
}
