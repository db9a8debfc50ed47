package net.dtm.examples.vendor;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.Cidr;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.TunnelIntent;

/** One session on an EXR directory: reads parse its files, applies run the batch and replace files atomically. */
final class ExampleFilesSession implements ConfigSession {

    private static final Logger LOG = LoggerFactory.getLogger(ExampleFilesSession.class);
    private static final long PROBE_POLL_MS = 100;

    private final RouterDirectory router;
    /** Serialises changes to one directory among the sessions of this adapter. */
    private final Object writeLock;

    ExampleFilesSession(RouterDirectory router, Object writeLock) {
        this.router = router;
        this.writeLock = writeLock;
    }

    @Override
    public Optional<TunnelIntent> read(String name, TunnelIntent.Role role) throws ConfigException {
        Optional<InterfaceFile> file;
        try {
            file = router.read(name);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot read " + name + " on " + router.root() + ": " + e.getMessage(), false, e);
        }
        return file.map(f -> intent(f, role));
    }

    /** The file in the intent vocabulary; what the EXR cannot hold is reported the SPI's way. */
    static TunnelIntent intent(InterfaceFile f, TunnelIntent.Role role) {
        InetAddress inner = f.address().orElse(Literals.unspecified(f.local()));
        InetAddress peer = f.routes().isEmpty() ? Literals.unspecified(inner) : f.routes().get(0).via();
        List<Cidr> routes = f.routes().stream().map(InterfaceFile.Route::prefix).toList();
        return new TunnelIntent(f.name(), role, f.type(), f.local(), f.remote(), f.key(), inner, f.prefixLength(), peer,
                routes, f.mtu(), Optional.empty(), 0);
    }

    @Override
    public List<String> list(String prefix) throws ConfigException {
        try {
            List<String> out = new ArrayList<>();
            for (String n : router.names()) {
                if (n.startsWith(prefix)) {
                    out.add(n);
                }
            }
            return out;
        } catch (IOException e) {
            throw new ConfigException("cannot list " + router.interfaces() + ": " + e.getMessage(), false, e);
        }
    }

    @Override
    public List<String> check(TunnelIntent intent) {
        if (!java.nio.file.Files.isWritable(router.interfaces())) {
            return List.of("the EXR's configuration folder " + router.interfaces() + " is not writable");
        }
        return List.of();
    }

    @Override
    public void apply(List<String> commands) throws ConfigException {
        synchronized (writeLock) {
            Map<String, Optional<InterfaceFile>> changes;
            try {
                changes = new CommandInterpreter(router).run(commands);
            } catch (CommandInterpreter.Refused e) {
                LOG.info("EXR {} refused a batch of {} commands, nothing written: {}", router.root(), commands.size(),
                        e.getMessage());
                throw new ConfigException(e.getMessage(), true, e);
            } catch (IOException e) {
                throw new ConfigException("cannot read " + router.interfaces() + ": " + e.getMessage(), false, e);
            }
            try {
                router.commit(changes);
            } catch (IOException e) {
                throw new ConfigException("cannot write " + router.interfaces() + ": " + e.getMessage(), false, e);
            }
            LOG.info("EXR {}: {} commands applied, {} written", router.root(), commands.size(), changes.keySet());
        }
    }

    /**
     * The EXR answers a probe through {@code intent}'s tunnel when the interface is configured with
     * the intent's inner address and the peer's inner address is listed in {@code reachable}.
     */
    @Override
    public boolean probe(TunnelIntent intent, Duration timeout) throws ConfigException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Optional<InterfaceFile> f = router.read(intent.name());
                if (f.isPresent() && f.get().address().equals(Optional.of(intent.innerAddress()))
                        && router.reachable().contains(intent.peerInner())) {
                    return true;
                }
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException("cannot probe " + intent.name() + " on " + router.root() + ": " + e.getMessage(),
                        false, e);
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(PROBE_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    @Override
    public void close() {
        // nothing held between calls
    }
}
