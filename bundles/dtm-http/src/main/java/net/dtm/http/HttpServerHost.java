package net.dtm.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * A running JDK HTTP (or, with TLS, HTTPS) server handing every request to one handler on a fixed
 * pool of daemon threads.
 */
final class HttpServerHost implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    private HttpServerHost(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds and starts.
     *
     * @throws IOException when the address cannot be bound
     * @throws IllegalArgumentException when the TLS keystore cannot be used
     */
    static HttpServerHost start(HttpSettings settings, HttpHandler handler) throws IOException {
        InetSocketAddress address = new InetSocketAddress(settings.bindHost(), settings.port());
        HttpServer server;
        if (settings.tls()) {
            SSLContext tls = TlsContexts.server(settings.keystore().orElseThrow(), settings.passwordFile().orElseThrow());
            HttpsServer https = HttpsServer.create(address, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        } else {
            server = HttpServer.create(address, 0);
        }
        ExecutorService executor = Executors.newFixedThreadPool(settings.threads(), threads());
        server.setExecutor(executor);
        server.createContext("/", handler);
        server.start();
        return new HttpServerHost(server, executor);
    }

    /** The port bound (the one chosen when configured as 0). */
    int port() {
        return server.getAddress().getPort();
    }

    boolean tls() {
        return server instanceof HttpsServer;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory threads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "dtm-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
