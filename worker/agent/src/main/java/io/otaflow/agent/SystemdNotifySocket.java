package io.otaflow.agent;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * systemd's notification socket (sd_notify(3)): one datagram per message ({@code READY=1}, {@code WATCHDOG=1}, ...)
 * to the Unix socket named by {@code $NOTIFY_SOCKET}. The JDK only has Unix stream sockets, so the datagram goes
 * through libc by JNA; libsystemd itself is not needed.
 */
public final class SystemdNotifySocket implements SystemdNotifier {

  /** {@code sizeof(sockaddr_un.sun_path)} on Linux. */
  private static final int MAX_PATH_BYTES = 108;
  private static final short AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int SOCK_CLOEXEC = 0x80000;

  private final String path;
  private final byte[] address;

  private SystemdNotifySocket(String path) {
    this.path = path;
    this.address = socketAddress(path);
  }

  /** The socket systemd named in {@code NOTIFY_SOCKET}, if it named one (it does for Type=notify services). */
  public static Optional<SystemdNotifySocket> fromEnvironment(Map<String, String> environment) {
    String path = environment.get("NOTIFY_SOCKET");
    return path == null || path.isBlank() ? Optional.empty() : Optional.of(new SystemdNotifySocket(path));
  }

  @Override
  public void send(String state) throws IOException {
    byte[] message = state.getBytes(StandardCharsets.UTF_8);
    LibC libc = LibC.load();
    int socket;
    try {
      socket = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw new IOException("sd_notify: cannot open a datagram socket: errno " + e.getErrorCode(), e);
    }
    try {
      libc.sendto(socket, message, new NativeLong(message.length), 0, address, address.length);
    } catch (LastErrorException e) {
      throw new IOException("sd_notify: cannot send to " + path + ": errno " + e.getErrorCode(), e);
    } finally {
      libc.close(socket);
    }
  }

  /**
   * {@code struct sockaddr_un} as bytes: the family, then the path. A leading {@code @} names a socket in the abstract
   * namespace, which starts with a NUL byte and is exactly as long as its name.
   */
  private static byte[] socketAddress(String path) {
    byte[] name = path.getBytes(StandardCharsets.UTF_8);
    boolean isAbstract = name[0] == '@';
    if (isAbstract) {
      name[0] = 0;
    } else if (name[0] != '/') {
      throw new IllegalArgumentException("NOTIFY_SOCKET must be an absolute path or start with @, was " + path);
    }
    int pathBytes = isAbstract ? name.length : name.length + 1;
    if (pathBytes > MAX_PATH_BYTES) {
      throw new IllegalArgumentException("NOTIFY_SOCKET is longer than " + MAX_PATH_BYTES + " bytes: " + path);
    }
    ByteBuffer address = ByteBuffer.allocate(Short.BYTES + pathBytes).order(ByteOrder.nativeOrder());
    address.putShort(AF_UNIX).put(name);
    return address.array();
  }

  @Override
  public String toString() {
    return path;
  }

  /** The libc calls used; loaded on first use, so an agent not run by systemd never loads native code. */
  interface LibC extends Library {

    static LibC load() {
      return Holder.INSTANCE;
    }

    int socket(int domain, int type, int protocol) throws LastErrorException;

    NativeLong sendto(int socket, byte[] message, NativeLong length, int flags, byte[] address, int addressLength)
        throws LastErrorException;

    int close(int socket);
  }

  private static final class Holder {
    private static final LibC INSTANCE = Native.load("c", LibC.class);
  }
}
