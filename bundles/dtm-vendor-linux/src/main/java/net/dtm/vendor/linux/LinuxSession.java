package net.dtm.vendor.linux;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.TunnelIntent;

/**
 * A session on this machine or one of its network namespaces. It holds no connection: every call
 * runs the tools afresh. What WireGuard runs on (kernel or wireguard-go) is probed once, on first need.
 * Reading follows the rules of {@link RunningStateDecoder}.
 */
final class LinuxSession implements ConfigSession {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxSession.class);

    private final LinuxHost host;
    private final RunningStateReader reader;
    private final BatchApplier applier;
    private final EndpointChecks checks;
    private final TunnelProbe probe;

    LinuxSession(LinuxHost host, RunningStateReader reader, BatchApplier applier, EndpointChecks checks, TunnelProbe probe) {
        this.host = host;
        this.reader = reader;
        this.applier = applier;
        this.checks = checks;
        this.probe = probe;
    }

    @Override
    public Optional<TunnelIntent> read(String name, TunnelIntent.Role role) throws ConfigException {
        return reader.read(name, role);
    }

    @Override
    public List<String> list(String prefix) throws ConfigException {
        return reader.list(prefix);
    }

    @Override
    public List<String> check(TunnelIntent intent) throws ConfigException {
        return checks.check(intent);
    }

    @Override
    public void apply(List<String> commands) throws ConfigException {
        applier.apply(commands);
    }

    @Override
    public boolean probe(TunnelIntent intent, Duration timeout) throws ConfigException {
        return probe.probe(intent, timeout);
    }

    @Override
    public void close() {
        LOG.debug("linux adapter: session on {} closed", host.where());
    }
}
