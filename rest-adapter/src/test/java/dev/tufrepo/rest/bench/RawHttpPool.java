package dev.tufrepo.rest.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The open-loop load generator's HTTP/1.1 client: {@code connections} keep-alive sockets, each
 * served by one thread that sends a queued request and reads its whole response before the next.
 * The JDK's {@code HttpClient} took a tenth of this 2-core machine at 450 requests/s, CPU that the
 * server under test then lacked; this does the same exchanges for a small fraction of it. Only what
 * the benchmark needs: POST with a body and GET, responses with {@code Content-Length} or chunked.
 */
final class RawHttpPool implements AutoCloseable {
  /** The outcome of one exchange: a status and body, or the failure. */
  interface Callback {
    void done(int status, String body, Exception failure);
  }

  private record Job(byte[] request, Callback callback) {}

  private static final Job STOP = new Job(new byte[0], (s, b, f) -> {});

  private final InetSocketAddress address;
  private final LinkedBlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
  private final List<Thread> threads = new ArrayList<>();

  RawHttpPool(String host, int port, int connections) {
    this.address = new InetSocketAddress(host, port);
    for (int i = 0; i < connections; i++) {
      Thread t = new Thread(this::serve, "load-conn-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
  }

  /** The bytes of a POST of {@code body} (JSON) to {@code path}. */
  byte[] post(String path, String body) {
    byte[] content = body.getBytes(StandardCharsets.UTF_8);
    String head =
        String.format(
            Locale.ROOT,
            "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
                + "Content-Length: %d\r\n\r\n",
            path,
            address.getHostString(),
            address.getPort(),
            content.length);
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[h.length + content.length];
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(content, 0, out, h.length, content.length);
    return out;
  }

  /** The bytes of a GET of {@code path}. */
  byte[] get(String path) {
    return String.format(
            Locale.ROOT,
            "GET %s HTTP/1.1\r\nHost: %s:%d\r\n\r\n",
            path,
            address.getHostString(),
            address.getPort())
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** Sends {@code request} and waits for its response body; throws when it is not a 200. */
  String exchange(byte[] request) throws IOException, InterruptedException {
    java.util.concurrent.CompletableFuture<String> body =
        new java.util.concurrent.CompletableFuture<>();
    send(
        request,
        (status, b, failure) -> {
          if (failure != null) {
            body.completeExceptionally(failure);
          } else if (status != 200) {
            body.completeExceptionally(new IOException("HTTP " + status + ": " + b));
          } else {
            body.complete(b);
          }
        });
    try {
      return body.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  /** Queues an exchange; {@code callback} runs on a connection thread when it is done. */
  void send(byte[] request, Callback callback) {
    jobs.add(new Job(request, callback));
  }

  private void serve() {
    Socket socket = null;
    InputStream in = null;
    OutputStream out = null;
    while (true) {
      Job job;
      try {
        job = jobs.take();
      } catch (InterruptedException e) {
        return;
      }
      if (job == STOP) {
        closeQuietly(socket);
        return;
      }
      try {
        if (socket == null) {
          socket = new Socket();
          socket.setTcpNoDelay(true);
          socket.connect(address, 10_000);
          socket.setSoTimeout(60_000);
          in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
          out = socket.getOutputStream();
        }
        out.write(job.request);
        out.flush();
        Response r = read(in);
        if (r.close) {
          closeQuietly(socket);
          socket = null;
        }
        job.callback.done(r.status, r.body, null);
      } catch (IOException | RuntimeException e) {
        closeQuietly(socket);
        socket = null;
        job.callback.done(0, null, e instanceof IOException io ? io : new IOException(e));
      }
    }
  }

  private record Response(int status, String body, boolean close) {}

  private static Response read(InputStream in) throws IOException {
    String status = line(in);
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1.x status line: " + status);
    }
    int code = Integer.parseInt(parts[1]);
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    for (String h; !(h = line(in)).isEmpty(); ) {
      int colon = h.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> close = value.equalsIgnoreCase("close");
        default -> {}
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (chunked) {
      for (long n; (n = Long.parseLong(line(in).split(";")[0].trim(), 16)) > 0; ) {
        copy(in, body, n);
        line(in);
      }
      while (!line(in).isEmpty()) {} // trailers
    } else if (length >= 0) {
      copy(in, body, length);
    } else {
      in.transferTo(body);
      close = true;
    }
    return new Response(code, body.toString(StandardCharsets.UTF_8), close);
  }

  private static void copy(InputStream in, ByteArrayOutputStream out, long n) throws IOException {
    byte[] buf = new byte[8192];
    while (n > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n));
      if (r < 0) {
        throw new IOException("the response ends early");
      }
      out.write(buf, 0, r);
      n -= r;
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        throw new IOException("the connection closed inside a response");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  private static void closeQuietly(Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // closing after a failure
      }
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < threads.size(); i++) {
      jobs.add(STOP);
    }
  }
}
