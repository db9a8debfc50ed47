package net.dtm.config.ssh;

import static net.dtm.config.ssh.Fixture.PASSWORD;
import static net.dtm.config.ssh.Fixture.SHORT;
import static net.dtm.config.ssh.Fixture.USER;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.config.ssh.testkit.DeviceEmulatorServer;
import net.dtm.spi.config.ssh.SshConnection;

/** A test logged into a fresh {@link TinyRouter} over SSH, with short time limits; all closed after it. */
abstract class OnTinyRouter {

    @TempDir
    Path dir;

    TinyRouter router;
    DeviceEmulatorServer server;
    MinaSshConnector connector;
    SshConnection connection;

    @BeforeEach
    void connect() throws Exception {
        router = new TinyRouter();
        server = DeviceEmulatorServer.start(router, USER, PASSWORD, dir.resolve("host-key"));
        connector = new MinaSshConnector(dir.resolve("known_hosts"), SHORT, SHORT);
        connection = connector.connect(Fixture.target(server, Fixture.passwordFile(dir)));
    }

    @AfterEach
    void close() {
        router.release.countDown(); // a command a test left stalled
        connection.close();
        connector.close();
        server.close();
    }
}
