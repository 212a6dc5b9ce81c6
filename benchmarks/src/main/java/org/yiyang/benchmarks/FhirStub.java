package org.yiyang.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fast far side for the load driver, on loopback: answers a FHIR server's {@code /metadata},
 * identifier searches (nothing found) and transactions (one 201 per entry), and swallows anything
 * posted to {@code /floor}. It does no work, so what is measured is the gateway.
 */
public final class FhirStub implements AutoCloseable {

  private static final byte[] CAPABILITIES =
      ("{\"resourceType\":\"CapabilityStatement\",\"status\":\"active\",\"date\":\"2025-01-01\","
              + "\"kind\":\"instance\",\"fhirVersion\":\"4.0.1\",\"format\":[\"json\"]}")
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] EMPTY_SEARCH =
      "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":0}"
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

  static {
    // The JDK server leaves Nagle's algorithm on: it writes a response's headers and body as two
    // segments, and the body then waits for the client's delayed ACK (40 ms on Linux). A FHIR
    // server (Tomcat, Jetty) answers without that stall; so must the stub, or it measures itself.
    // Read once when the JDK server's configuration is first loaded, so set before any server.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicLong transactions = new AtomicLong();
  private final AtomicLong floorPosts = new AtomicLong();

  public FhirStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    executor = Executors.newFixedThreadPool(8);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Base URL of the stub's FHIR endpoint. */
  public String fhirBase() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
  }

  /** Target URL for the gateway's floor route. */
  public String floorTarget() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/floor";
  }

  public long transactions() {
    return transactions.get();
  }

  public long floorPosts() {
    return floorPosts.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] request = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      byte[] answer;
      if (path.equals("/stats")) {
        answer =
            ("{\"transactions\":" + transactions.get() + ",\"floor\":" + floorPosts.get() + "}")
                .getBytes(StandardCharsets.UTF_8);
      } else if (path.endsWith("/metadata")) {
        answer = CAPABILITIES;
      } else if (path.startsWith("/floor")) {
        floorPosts.incrementAndGet();
        answer = EMPTY_OBJECT;
      } else if ("GET".equals(method)) {
        answer = EMPTY_SEARCH;
      } else if ("POST".equals(method) && (path.equals("/fhir") || path.equals("/fhir/"))) {
        transactions.incrementAndGet();
        answer = transactionResponse(new String(request, StandardCharsets.UTF_8));
      } else {
        answer = EMPTY_OBJECT;
      }
      exchange.getResponseHeaders().set("Content-Type", "application/fhir+json");
      exchange.sendResponseHeaders(200, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    }
  }

  /** One "201 Created" per entry of the posted transaction (entries counted by their request). */
  private static byte[] transactionResponse(String bundle) {
    int entries = 0;
    for (int at = bundle.indexOf("\"request\"");
        at >= 0;
        at = bundle.indexOf("\"request\"", at + 1)) {
      entries++;
    }
    StringBuilder sb =
        new StringBuilder(
            "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\",\"entry\":[");
    for (int i = 0; i < entries; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"response\":{\"status\":\"201 Created\",\"location\":\"Resource/s")
          .append(i)
          .append("/_history/1\"}}");
    }
    return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Runs the stub alone until killed; prints its port on the first line. */
  public static void main(String[] args) throws Exception {
    FhirStub stub = new FhirStub();
    System.out.println(stub.server.getAddress().getPort());
    System.out.flush();
    Thread.currentThread().join();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
