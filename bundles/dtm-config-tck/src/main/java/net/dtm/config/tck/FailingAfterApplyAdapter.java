package net.dtm.config.tck;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import net.dtm.spi.config.Behaviour;
import net.dtm.spi.config.CommitConfirmBehaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

/**
 * The adapter under test with one fault added: the first batch a session applies reaches the device
 * in full and is then reported as refused, as a device does when the last line of a change fails.
 * Everything else (the rollback's batch included) goes to the real adapter, so the core's rollback
 * is exercised against the real device. A commit-confirm behaviour gets the real session back.
 */
final class FailingAfterApplyAdapter implements VendorAdapter {

    static final String FAULT = "refused by the contract suite after the device applied the batch";

    private final VendorAdapter delegate;

    FailingAfterApplyAdapter(VendorAdapter delegate) {
        this.delegate = delegate;
    }

    @Override
    public String vendor() {
        return delegate.vendor();
    }

    @Override
    public <B extends Behaviour> Optional<B> behaviour(Class<B> type) {
        if (type == CommitConfirmBehaviour.class) {
            return delegate.behaviour(CommitConfirmBehaviour.class).map(c -> type.cast(new Unwrapping(c)));
        }
        return delegate.behaviour(type);
    }

    @Override
    public ConfigSession open(DeviceTarget target) throws ConfigException {
        return new FailingSession(delegate.open(target));
    }

    private static final class FailingSession implements ConfigSession {
        final ConfigSession real;
        private boolean failed;

        FailingSession(ConfigSession real) {
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
            if (!failed) {
                failed = true;
                throw new ConfigException(FAULT, true);
            }
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

    private record Unwrapping(CommitConfirmBehaviour real) implements CommitConfirmBehaviour {
        @Override
        public void arm(ConfigSession session, Duration timeout) throws ConfigException {
            real.arm(unwrap(session), timeout);
        }

        @Override
        public void confirm(ConfigSession session) throws ConfigException {
            real.confirm(unwrap(session));
        }

        @Override
        public void revert(ConfigSession session) throws ConfigException {
            real.revert(unwrap(session));
        }

        private static ConfigSession unwrap(ConfigSession s) {
            return s instanceof FailingSession f ? f.real : s;
        }
    }
}
