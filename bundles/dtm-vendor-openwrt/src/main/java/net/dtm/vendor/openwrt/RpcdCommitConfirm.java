package net.dtm.vendor.openwrt;

import java.time.Duration;

import net.dtm.spi.config.CommitConfirmBehaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;

/**
 * rpcd's commit-confirmed: {@code ubus call uci apply} with {@code "rollback":true} and a timeout,
 * then {@code ubus call uci confirm}, or {@code ubus call uci rollback} to undo now. Arming creates
 * the rpcd session the change is staged in, refuses when another change already waits for
 * confirmation (rpcd holds one at a time), and saves the boot-time restore of
 * {@link RollbackGuard}, because rpcd's timer does not survive a reboot.
 */
final class RpcdCommitConfirm implements CommitConfirmBehaviour {

    @Override
    public void arm(ConfigSession session, Duration timeout) throws ConfigException {
        of(session).arm(timeout);
    }

    @Override
    public void confirm(ConfigSession session) throws ConfigException {
        of(session).confirm();
    }

    @Override
    public void revert(ConfigSession session) throws ConfigException {
        of(session).revert();
    }

    private static OpenWrtSession of(ConfigSession session) throws ConfigException {
        if (session instanceof OpenWrtSession s) {
            return s;
        }
        throw new ConfigException("not a session of the openwrt adapter: " + session.getClass().getName(), false);
    }
}
