package net.dtm.config.ssh;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.ssh.SshConnection;
import net.dtm.spi.config.ssh.SshConnector;

/**
 * The {@link SshConnector} on Apache MINA SSHD: one {@link SshClient} for every device, host keys
 * pinned on first use in one known-hosts file ({@link HostKeyPinning}), credentials from each
 * target's secret file ({@link SecretFileReader}). Nothing of the user's {@code ~/.ssh} is used.
 */
public final class MinaSshConnector implements SshConnector, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MinaSshConnector.class);

    private final SshClient client;
    private final HostKeyPinning pinning;
    private final Duration connectTimeout;
    private final Duration commandTimeout;

    /**
     * Starts an SSH client.
     *
     * @param knownHostsFile the pinned host keys (OpenSSH known_hosts format); created, mode 600, with
     *                       its directories, when the first key is pinned
     * @param connectTimeout limit for connecting, the key exchange and the login together
     * @param commandTimeout limit for opening a shell and reading its first prompt
     */
    public MinaSshConnector(Path knownHostsFile, Duration connectTimeout, Duration commandTimeout) {
        Objects.requireNonNull(knownHostsFile, "knownHostsFile");
        this.connectTimeout = positive(connectTimeout, "connectTimeout");
        this.commandTimeout = positive(commandTimeout, "commandTimeout");
        this.pinning = new HostKeyPinning(knownHostsFile);
        this.client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(pinning);
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setFilePasswordProvider(FilePasswordProvider.EMPTY);
        // a device that refuses exec channels (IOS, VRP) says so instead of leaving the channel open
        CoreModuleProperties.REQUEST_EXEC_REPLY.set(client, true);
        // one short command after another: without TCP_NODELAY each waits out Nagle's delay (about
        // 90 ms per exchange even on loopback, more on a vehicle's link)
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        client.start();
    }

    @Override
    public SshConnection connect(DeviceTarget target) throws ConfigException {
        Objects.requireNonNull(target, "target");
        if (!client.isStarted()) {
            throw new ConfigException("the SSH connector is closed (the dtm-config-ssh bundle is stopping or being"
                    + " reconfigured): try again", false);
        }
        if (target.isLocal()) {
            throw new ConfigException("device target has no host to connect to over SSH: set its address", false);
        }
        int port = target.port() == 0 ? 22 : target.port();
        String where = ConnectFailures.where(target.host(), port);
        Path secretFile = target.secretFile().orElseThrow(() -> new ConfigException("no secret file configured for "
                + target.username() + "@" + where + ": set one holding the password or private key (mode 600)", false));
        LoginSecret secret = SecretFileReader.read(secretFile);
        long deadline = System.nanoTime() + connectTimeout.toNanos();

        ClientSession session = tcpConnect(target.username(), target.host(), port, where);
        try {
            secret.offerTo(session);
            AuthFuture auth = session.auth();
            if (!auth.await(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                Optional<HostKeyProblem> problem = pinning.takeProblem(session);
                if (problem.isPresent()) {
                    throw new ConfigException(problem.get().message(where), false);
                }
                throw ConnectFailures.timedOut(where, "exchanging keys and logging in", connectTimeout);
            }
            if (!auth.isSuccess()) {
                Optional<HostKeyProblem> problem = pinning.takeProblem(session);
                if (problem.isPresent()) {
                    throw new ConfigException(problem.get().message(where), false);
                }
                if (session.isOpen()) {
                    throw ConnectFailures.loginRefused(target.username(), where, secretFile);
                }
                throw ConnectFailures.sessionFailed(where, auth.getException() != null ? auth.getException()
                        : new IOException("connection closed during key exchange or login"));
            }
            String fingerprint = HostKeyPinning.fingerprint(session.getServerKey());
            LOG.debug("logged in as {} to {} (host key {})", target.username(), where, fingerprint);
            return new MinaSshConnection(session, where, fingerprint, commandTimeout, secret.redaction());
        } catch (IOException | RuntimeException e) {
            session.close(true);
            Optional<HostKeyProblem> problem = pinning.takeProblem(session);
            if (problem.isPresent()) {
                throw new ConfigException(problem.get().message(where), false, e);
            }
            throw ConnectFailures.sessionFailed(where, e);
        } catch (ConfigException e) {
            session.close(true);
            throw e;
        }
    }

    /** Stops the SSH client and every connection it opened. */
    @Override
    public void close() {
        client.stop();
    }

    private ClientSession tcpConnect(String username, String host, int port, String where) throws ConfigException {
        ConnectFuture future;
        try {
            future = client.connect(username, host, port);
        } catch (IOException | RuntimeException e) {
            throw ConnectFailures.connectFailed(where, e);
        }
        boolean done;
        try {
            done = future.await(connectTimeout);
        } catch (IOException e) {
            throw ConnectFailures.connectFailed(where, e);
        }
        if (!done) {
            future.cancel();
            throw ConnectFailures.timedOut(where, "connecting", connectTimeout);
        }
        if (future.getException() != null) {
            throw ConnectFailures.connectFailed(where, future.getException());
        }
        return future.getClientSession();
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }

    @Override
    public String toString() {
        return "MinaSshConnector[known hosts " + pinning.file() + ", connect " + connectTimeout + ", command "
                + commandTimeout + "]";
    }
}
