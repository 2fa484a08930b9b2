/// Where the client finds the daemon's unix socket.
///
/// The order follows the stock `lxc` (`$LXD_SOCKET`, then `$LXD_DIR/unix.socket`, then
/// `/var/lib/lxd/unix.socket`) with Roost's names:
/// 1. the `--socket` flag,
/// 2. `$ROOST_SOCKET`,
/// 3. `$ROOST_DIR/unix.socket`,
/// 4. ``defaultPath``.
///
/// Empty values count as unset, as in `lxc`.
public enum SocketEndpoint {
    /// The socket of a daemon started with the default state directory.
    public static let defaultPath = "/var/lib/roost/unix.socket"

    /// Resolves the socket path from the flag and an environment. Pure: no file-system access.
    public static func resolve(flag: String?, environment: [String: String]) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let socket = environment["ROOST_SOCKET"], !socket.isEmpty { return socket }
        if let directory = environment["ROOST_DIR"], !directory.isEmpty {
            return directory.hasSuffix("/") ? directory + "unix.socket" : directory + "/unix.socket"
        }
        return defaultPath
    }
}
