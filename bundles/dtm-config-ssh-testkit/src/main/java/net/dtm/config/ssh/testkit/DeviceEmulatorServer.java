package net.dtm.config.ssh.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

/**
 * An SSH server on 127.0.0.1 that plays an {@link EmulatedDevice}'s CLI, for adapter tests.
 *
 * <p>A shell channel runs one {@link EmulatedShell}: the server prints its banner and prompt, echoes
 * what is typed as a terminal does, passes each line (CR, LF or CRLF ends it) to
 * {@link EmulatedShell#line(String)} and each control character other than CR, LF and TAB to
 * {@link EmulatedShell#control(char)} (not echoed; a new line is started as after Enter), prints the output ({@code \n} becomes
 * {@code \r\n}) and the prompt again. An output line that is a pager marker ({@code --More--},
 * {@code ---- More ----}) is printed without a line break and the server waits for a key: space
 * or any other key prints the rest (the marker is erased with backspaces, as IOS does), {@code q}
 * drops the rest of that output. The channel closes once {@link EmulatedShell#ended()}, and
 * {@link EmulatedDevice#sessionEnded(EmulatedShell)} is called however the session ends.
 *
 * <p>An exec channel runs {@link EmulatedDevice#exec(String)}: its stdout, stderr and exit status
 * are sent and the channel closed. When the device has no exec channel (empty result), the server
 * refuses the exec request with SSH_MSG_CHANNEL_FAILURE, as IOS and VRP do, and the client sees the
 * channel close without an exit status.
 *
 * <p>Logins: the username with the password given to {@link #start}, or any key added with
 * {@link #withAuthorizedKey(PublicKey)}.
 */
public final class DeviceEmulatorServer implements AutoCloseable {

    /**
     * How long a test's SSH client should allow for connecting and logging in to an emulator. A
     * loopback connection normally takes milliseconds, but CI once saw a client's connection (the
     * Cisco IOS contract's) not complete within 10 s while the same lab had just answered; the
     * cause was not found and it did not recur in 15 further runs of that module here (3 of them
     * beside two CPU hogs). Tests that are not about connect timing allow this much; the command
     * timeout stays each lab's own.
     */
    public static final Duration CLIENT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final EmulatedDevice device;
    private final SshServer server;
    private final ExecutorService shellThreads;
    private final List<String> received = new ArrayList<>();
    private final List<PublicKey> authorizedKeys = new CopyOnWriteArrayList<>();
    private volatile Predicate<String> dropWhen = line -> false;

    private DeviceEmulatorServer(EmulatedDevice device, String username, String password, Path hostKeyFile, int port) {
        this.device = device;
        this.shellThreads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "device-emulator-shell-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        org.apache.sshd.core.CoreModuleProperties.TCP_NODELAY.set(server, true); // as a device's sshd answers
        server.setPort(port);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(hostKeyFile));
        server.setPasswordAuthenticator((user, pass, session) -> username.equals(user) && password.equals(pass));
        server.setPublickeyAuthenticator((user, key, session) -> username.equals(user)
                && authorizedKeys.stream().anyMatch(k -> KeyUtils.compareKeys(k, key)));
        server.setShellFactory(channel -> new EmulatedShellCommand(this, device.openShell()));
        server.setCommandFactory((channel, command) -> execCommand(command));
    }

    /**
     * Starts a server for {@code device} on 127.0.0.1 and a free port.
     *
     * @param username    the only login accepted
     * @param password    its password
     * @param hostKeyFile the host key: read if the file exists, else generated and written there; a
     *                    test changes the device's host key by starting a server with another file
     */
    public static DeviceEmulatorServer start(EmulatedDevice device, String username, String password,
                                             Path hostKeyFile) {
        return start(device, username, password, hostKeyFile, 0);
    }

    /**
     * As {@link #start(EmulatedDevice, String, String, Path)} on a given port, e.g. the port of a
     * closed server, to play a device replaced at the same address (0 = a free port).
     */
    public static DeviceEmulatorServer start(EmulatedDevice device, String username, String password,
                                             Path hostKeyFile, int port) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(hostKeyFile, "hostKeyFile");
        DeviceEmulatorServer emulator = new DeviceEmulatorServer(device, username, password, hostKeyFile, port);
        try {
            emulator.server.start();
        } catch (IOException e) {
            emulator.close();
            throw new UncheckedIOException("cannot start the device emulator on 127.0.0.1", e);
        }
        return emulator;
    }

    /** Also accepts a login with the private key of {@code key} (for the same username). */
    public DeviceEmulatorServer withAuthorizedKey(PublicKey key) {
        authorizedKeys.add(Objects.requireNonNull(key, "key"));
        return this;
    }

    /** The address the server listens on: {@code 127.0.0.1}. */
    public String host() {
        return "127.0.0.1";
    }

    /** The port the server listens on. */
    public int port() {
        int port = server.getPort();
        if (port != 0) {
            return port;
        }
        for (SocketAddress a : server.getBoundAddresses()) {
            if (a instanceof InetSocketAddress inet) {
                return inet.getPort();
            }
        }
        throw new IllegalStateException("device emulator is not listening");
    }

    /** Every line typed in a shell and every exec command, in the order received (a copy). */
    public List<String> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Forgets what {@link #received()} returned so far. */
    public void clearReceived() {
        synchronized (received) {
            received.clear();
        }
    }

    /**
     * From now on, when a received line or exec command matches {@code line}, every SSH session is
     * closed abruptly (the TCP connection is cut, no SSH disconnect message) before the device sees
     * that line: a dropped connection in the middle of a command.
     */
    public DeviceEmulatorServer dropConnectionsWhen(Predicate<String> line) {
        this.dropWhen = Objects.requireNonNull(line, "line");
        return this;
    }

    /** Stops the server and closes every session. */
    @Override
    public void close() {
        try {
            server.stop(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the device emulator", e);
        } finally {
            shellThreads.shutdownNow();
        }
    }

    /**
     * Records {@code line} and, if it matches the drop predicate, cuts every connection.
     *
     * @return false if the connections were cut and the device must not see the line
     */
    boolean receive(String line) {
        synchronized (received) {
            received.add(line);
        }
        if (dropWhen.test(line)) {
            for (AbstractSession session : server.getActiveSessions()) {
                session.getIoSession().close(true);
            }
            return false;
        }
        return true;
    }

    EmulatedDevice device() {
        return device;
    }

    ExecutorService shellThreads() {
        return shellThreads;
    }

    private Command execCommand(String command) {
        if (!receive(command)) {
            return null;
        }
        // null makes sshd answer the exec request with SSH_MSG_CHANNEL_FAILURE
        return device.exec(command).map(EmulatedExecCommand::new).orElse(null);
    }
}
