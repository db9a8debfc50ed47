package net.dtm.config.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.config.ssh.testkit.DeviceEmulatorServer;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.ssh.CliShell;
import net.dtm.spi.config.ssh.SshConnection;

class SmokeTest {
    @TempDir
    Path dir;

    @Test
    void smoke() throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "s3cret\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        TinyRouter router = new TinyRouter();
        try (DeviceEmulatorServer server = DeviceEmulatorServer.start(router, "admin", "s3cret", dir.resolve("hostkey"));
             MinaSshConnector connector = new MinaSshConnector(dir.resolve("kh/known_hosts"), Duration.ofSeconds(5), Duration.ofSeconds(5))) {
            DeviceTarget t = new DeviceTarget("cisco-ios", "", "", server.host(), server.port(), "admin", Optional.of(secret), Map.of());
            try (SshConnection c = connector.connect(t)) {
                System.out.println(c.exec("uname", Duration.ofSeconds(5)));
                try (CliShell sh = c.shell(Pattern.compile("[\\w.()/-]+[#>]\\s?$"))) {
                    System.out.println("prompt=" + sh.prompt());
                    System.out.println("[" + sh.send("show version", Duration.ofSeconds(5)) + "]");
                    System.out.println("[" + sh.send("show long", Duration.ofSeconds(5)) + "]");
                    System.out.println("[" + sh.sendKeys("\u0018", Duration.ofSeconds(5)) + "]");
                }
            }
            System.out.println(server.received());
            System.out.println(Files.readString(dir.resolve("kh/known_hosts")));
        }
    }
}
