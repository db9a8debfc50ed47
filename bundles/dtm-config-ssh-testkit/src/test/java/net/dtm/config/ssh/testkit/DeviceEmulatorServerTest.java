package net.dtm.config.ssh.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The emulator's terminal behaviour, byte for byte, seen through a plain sshd client. */
class DeviceEmulatorServerTest {

    private static final Duration LIMIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<Character> controls = new CopyOnWriteArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean exec = true;
    private DeviceEmulatorServer server;
    private SshClient client;
    private ClientSession session;

    @BeforeEach
    void start() throws IOException {
        server = DeviceEmulatorServer.start(new Device(), "admin", "pw", dir.resolve("host-key"));
        client = SshClient.setUpDefaultClient();
        CoreModuleProperties.REQUEST_EXEC_REPLY.set(client, true);
        client.start();
        session = client.connect("admin", server.host(), server.port()).verify(LIMIT).getClientSession();
        session.addPasswordIdentity("pw");
        session.auth().verify(LIMIT);
    }

    @AfterEach
    void stop() {
        client.stop();
        server.close();
    }

    @Test
    void playsATerminal() throws Exception {
        try (ChannelShell shell = session.createShellChannel()) {
            shell.open().verify(LIMIT);
            InputStream out = shell.getInvertedOut();
            OutputStream in = shell.getInvertedIn();
            assertEquals("Welcome\r\nline two\r\nr1#", readUntil(out, "r1#"));

            send(in, "show x\r\n");
            assertEquals("show x\r\nout 1\r\nout 2\r\nr1#", readUntil(out, "r1#"));

            send(in, "\u0018");
            assertEquals("\r\nctl 24\r\nr1#", readUntil(out, "r1#"));

            send(in, "\r");
            assertEquals("\r\nr1#", readUntil(out, "r1#"));

            send(in, "exit\n");
            assertEquals("exit\r\n", readToEnd(out));
        }
        assertEquals(List.of("show x", "", "exit"), lines);
        assertEquals(List.of('\u0018'), controls);
        assertEquals(List.of("show x", "", "exit"), server.received());
        assertEquals(true, ended.await(LIMIT.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void execSendsOutputAndStatus() throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try (ChannelExec channel = session.createExecChannel("show y")) {
            channel.setOut(stdout);
            channel.setErr(stderr);
            channel.open().verify(LIMIT);
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), LIMIT);
            assertEquals(4, channel.getExitStatus());
        }
        assertEquals("o\n", stdout.toString(StandardCharsets.UTF_8));
        assertEquals("e\n", stderr.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("show y"), server.received());
    }

    @Test
    void aDeviceWithoutExecRefusesTheRequest() throws Exception {
        exec = false;
        try (ChannelExec channel = session.createExecChannel("show y")) {
            channel.open().verify(LIMIT);
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), LIMIT);
            assertNull(channel.getExitStatus());
        }
    }

    @Test
    void dropsEveryConnectionBeforeTheDeviceSeesTheLine() throws Exception {
        server.dropConnectionsWhen(l -> l.startsWith("reload"));
        try (ChannelShell shell = session.createShellChannel()) {
            shell.open().verify(LIMIT);
            InputStream out = shell.getInvertedOut();
            readUntil(out, "r1#");
            send(shell.getInvertedIn(), "reload now\r");
            session.waitFor(EnumSet.of(ClientSession.ClientSessionEvent.CLOSED), LIMIT);
        }
        assertEquals(List.of(), lines);
        assertEquals(List.of("reload now"), server.received());
        assertEquals(true, ended.await(LIMIT.toSeconds(), TimeUnit.SECONDS));
    }

    private static void send(OutputStream in, String keys) throws IOException {
        in.write(keys.getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static String readUntil(InputStream out, String end) {
        return assertTimeoutPreemptively(LIMIT, () -> {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (!got.toString(StandardCharsets.UTF_8).endsWith(end)) {
                int b = out.read();
                if (b < 0) {
                    throw new IOException("closed after " + got.toString(StandardCharsets.UTF_8));
                }
                got.write(b);
            }
            return got.toString(StandardCharsets.UTF_8);
        });
    }

    private static String readToEnd(InputStream out) {
        return assertTimeoutPreemptively(LIMIT, () -> new String(out.readAllBytes(), StandardCharsets.UTF_8));
    }

    private final class Device implements EmulatedDevice {
        @Override
        public EmulatedShell openShell() {
            return new EmulatedShell() {
                private boolean over;

                @Override
                public String banner() {
                    return "Welcome\nline two";
                }

                @Override
                public String prompt() {
                    return "r1#";
                }

                @Override
                public String line(String line) {
                    lines.add(line);
                    over = line.equals("exit");
                    return line.equals("show x") ? "out 1\nout 2\n" : "";
                }

                @Override
                public String control(char c) {
                    controls.add(c);
                    return "ctl " + (int) c;
                }

                @Override
                public boolean ended() {
                    return over;
                }
            };
        }

        @Override
        public Optional<ExecOutcome> exec(String command) {
            return exec ? Optional.of(new ExecOutcome(4, "o\n", "e\n")) : Optional.empty();
        }

        @Override
        public void sessionEnded(EmulatedShell shell) {
            ended.countDown();
        }
    }
}
