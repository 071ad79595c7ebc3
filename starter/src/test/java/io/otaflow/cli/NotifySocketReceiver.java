package io.otaflow.cli;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** systemd's side of sd_notify(3) for tests: a bound Unix datagram socket that hands out the messages it got. */
final class NotifySocketReceiver implements AutoCloseable {

  private static final int AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;
  private static final int EAGAIN = 11;

  private final LibC libc = Native.load("c", LibC.class);
  private final Path path;
  private final int socket;

  NotifySocketReceiver(Path path) {
    this.path = path;
    this.socket = libc.socket(AF_UNIX, SOCK_DGRAM, 0);
    byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
    byte[] address = ByteBuffer.allocate(2 + name.length + 1).order(ByteOrder.nativeOrder())
        .putShort((short) AF_UNIX).put(name).put((byte) 0).array();
    libc.bind(socket, address, address.length);
  }

  Path path() {
    return path;
  }

  /** The next message, or empty when none arrives within {@code timeout}. */
  Optional<String> next(Duration timeout) {
    // struct timeval { long tv_sec; long tv_usec; } on a 64-bit Linux.
    byte[] timeval = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
        .putLong(timeout.toSeconds()).putLong(timeout.toMillisPart() * 1000L).array();
    libc.setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, timeval, timeval.length);
    byte[] buffer = new byte[4096];
    try {
      long length = libc.recv(socket, buffer, new NativeLong(buffer.length), 0).longValue();
      return Optional.of(new String(buffer, 0, (int) length, StandardCharsets.UTF_8));
    } catch (LastErrorException e) {
      if (e.getErrorCode() == EAGAIN) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public void close() {
    libc.close(socket);
  }

  interface LibC extends Library {

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int socket, byte[] address, int addressLength) throws LastErrorException;

    int setsockopt(int socket, int level, int option, byte[] value, int valueLength) throws LastErrorException;

    NativeLong recv(int socket, byte[] buffer, NativeLong length, int flags) throws LastErrorException;

    int close(int socket);
  }
}
