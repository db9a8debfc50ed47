package net.dtm.config.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trust on first use: the first host key a device offers is recorded in an OpenSSH known_hosts file
 * (mode 600, {@code [host]:port} when the port is not 22); afterwards only that key is accepted.
 * sshd's {@link KnownHostsServerKeyVerifier} reads and writes the file; this class refuses every
 * case where it would otherwise accept a key it could not check or record, and keeps why a key was
 * refused until the connector asks ({@link #takeProblem}).
 */
final class HostKeyPinning extends KnownHostsServerKeyVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(HostKeyPinning.class);

    /** Why a host key was refused, per session, until the connector takes it. */
    private final Map<ClientSession, HostKeyProblem> problems = new ConcurrentHashMap<>();
    private final Path file;

    HostKeyPinning(Path knownHostsFile) {
        // trust on first use: an unknown device's key is accepted (and then recorded), silently
        super((session, remote, key) -> true, knownHostsFile);
        this.file = knownHostsFile;
    }

    /** The known-hosts file. */
    Path file() {
        return file;
    }

    /** Why the host key of {@code session} was refused, if it was; forgets it. */
    Optional<HostKeyProblem> takeProblem(ClientSession session) {
        return session == null ? Optional.empty() : Optional.ofNullable(problems.remove(session));
    }

    /** {@code SHA256:<base64>}, as {@code ssh-keygen -l} prints it. */
    static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(key);
    }

    /**
     * One verification at a time: each reloads the file, so a connection that starts while another
     * pins a device's first key sees that pin (matched, or refused as changed) instead of pinning
     * again beside it.
     */
    @Override
    public synchronized boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey serverKey) {
        try {
            return super.verifyServerKey(session, remote, serverKey);
        } catch (UncheckedIOException e) {
            problems.put(session, new HostKeyProblem.Unreadable(file, e.getCause().toString()));
            return false;
        }
    }

    @Override
    protected Supplier<Collection<HostEntryPair>> getKnownHostSupplier(ClientSession session, Path path) {
        // sshd treats an unreadable file as empty, which would pin a new key over the old one
        return () -> {
            try {
                return reloadKnownHosts(session, path);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (Exception e) {
                throw new UncheckedIOException(new IOException(e.toString(), e));
            }
        };
    }

    @Override
    protected boolean acceptIncompleteHostKeys(ClientSession session, SocketAddress remote, PublicKey serverKey,
                                               Throwable reason) {
        problems.put(session, new HostKeyProblem.Unreadable(file, reason.toString()));
        return false;
    }

    @Override
    protected boolean acceptUnknownHostKey(ClientSession session, SocketAddress remote, PublicKey serverKey) {
        try {
            createFile();
        } catch (IOException e) {
            problems.put(session, new HostKeyProblem.NotRecorded(file, e.toString()));
            return false;
        }
        boolean accepted = super.acceptUnknownHostKey(session, remote, serverKey);
        if (accepted && !problems.containsKey(session)) {
            LOG.info("pinned host key {} of {} in {} (first connection)", fingerprint(serverKey), describe(remote),
                    file);
            return true;
        }
        return false;
    }

    @Override
    protected void handleKnownHostsFileUpdateFailure(ClientSession session, SocketAddress remote, PublicKey serverKey,
                                                     Path path, Collection<HostEntryPair> knownHosts, Throwable reason) {
        problems.put(session, new HostKeyProblem.NotRecorded(file, reason.toString()));
    }

    @Override
    public boolean acceptModifiedServerKey(ClientSession session, SocketAddress remote, KnownHostEntry entry,
                                           PublicKey expected, PublicKey actual) {
        problems.put(session, new HostKeyProblem.Changed(file, fingerprint(expected), fingerprint(actual)));
        LOG.warn("host key of {} changed: pinned {}, device now offers {}; connection refused", describe(remote),
                fingerprint(expected), fingerprint(actual));
        return false;
    }

    private static String describe(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? ConnectFailures.where(inet.getHostString(), inet.getPort())
                : String.valueOf(remote);
    }

    private void createFile() throws IOException {
        if (Files.exists(file)) {
            return;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // another connection created it first
        }
    }
}
