package net.dtm.config.fake;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.TunnelIntent;

/** Passes everything to another session, so a test can break or change one call of it in a subclass. */
public class ForwardingSession implements ConfigSession {

    private final ConfigSession real;

    public ForwardingSession(ConfigSession real) {
        this.real = real;
    }

    @Override
    public Optional<TunnelIntent> read(String name, TunnelIntent.Role role) throws ConfigException {
        return real.read(name, role);
    }

    @Override
    public List<String> list(String prefix) throws ConfigException {
        return real.list(prefix);
    }

    @Override
    public List<String> check(TunnelIntent intent) throws ConfigException {
        return real.check(intent);
    }

    @Override
    public void apply(List<String> commands) throws ConfigException {
        real.apply(commands);
    }

    @Override
    public boolean probe(TunnelIntent intent, Duration timeout) throws ConfigException {
        return real.probe(intent, timeout);
    }

    @Override
    public void close() {
        real.close();
    }
}
