/** A free TCP port on `host`, for a child server that cannot be told to listen on port 0. */
import net from 'node:net';

export function freePort(host: string): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.once('error', fail);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => ok(port));
    });
  });
}
