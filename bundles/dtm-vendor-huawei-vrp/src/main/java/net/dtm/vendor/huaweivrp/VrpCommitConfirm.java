package net.dtm.vendor.huaweivrp;

import java.time.Duration;

import net.dtm.spi.config.CommitConfirmBehaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;

/**
 * VRP's {@code commit trial}: {@link #arm} records the timeout, the session's next apply commits
 * with {@code commit trial N} (whole seconds, at least 60, VRP's shortest trial), and the device
 * rolls the change back by itself unless {@link #confirm} ({@code commit}) follows;
 * {@link #revert} is {@code abort trial}.
 */
final class VrpCommitConfirm implements CommitConfirmBehaviour {

    @Override
    public void arm(ConfigSession session, Duration timeout) throws ConfigException {
        vrp(session).arm(timeout);
    }

    @Override
    public void confirm(ConfigSession session) throws ConfigException {
        vrp(session).confirmTrial();
    }

    @Override
    public void revert(ConfigSession session) throws ConfigException {
        vrp(session).revertTrial();
    }

    private static VrpSession vrp(ConfigSession session) throws ConfigException {
        if (session instanceof VrpSession v) {
            return v;
        }
        throw new ConfigException("the huawei-vrp commit trial needs a huawei-vrp session, got "
                + (session == null ? "none" : session.getClass().getSimpleName()), false);
    }
}
