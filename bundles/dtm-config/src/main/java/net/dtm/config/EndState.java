package net.dtm.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import net.dtm.api.DtmException;
import net.dtm.api.config.Transaction;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;

/**
 * One tunnel end the manager configures: what it must be, the transaction running on it, what its
 * device was last read to run, and the callers waiting for its next automatic transaction. Guarded
 * by its own monitor; the manager and its parts take it for every access.
 */
final class EndState {
    final String name;
    TunnelIntent.Role role;
    String device;
    DeviceTarget target;
    Optional<TunnelIntent> intent = Optional.empty();
    String trigger = "";
    boolean removing;
    boolean automaticQueued;
    final List<CompletableFuture<Transaction>> waiting = new ArrayList<>();
    ConfigTransaction current;
    Optional<TunnelIntent> running = Optional.empty();
    boolean runningKnown;
    String lastState = "out-of-sync";

    EndState(String name) {
        this.name = name;
    }

    /** The end named {@code end} in {@code ends}. @throws DtmException BAD_REQUEST if there is none */
    static EndState known(Map<String, EndState> ends, String end) {
        EndState e = end == null ? null : ends.get(end);
        if (e == null) {
            throw new DtmException(DtmException.Reason.BAD_REQUEST, "no tunnel end named '" + end + "'");
        }
        return e;
    }

    /**
     * The lane a job of end {@code end} on {@code target} runs in. Ends on this machine each have
     * their own (a gateway builds many core ends side by side). Ends on a remote device share the
     * device's: the platforms' safety nets are device-wide (an IOS revert restores the whole running
     * configuration, RouterOS undoes everything done while safe mode was held, rpcd keeps one
     * pending rollback, VRP one trial), so two changes on one router must never overlap.
     */
    static String lane(String end, DeviceTarget target) {
        return target == null || target.isLocal() ? end : "@" + target.host() + ":" + target.port();
    }

    /** This end's lane. */
    synchronized String lane() {
        return lane(name, target);
    }

    /** The request an automatic transaction runs now: the current intent and trigger. Caller locks. */
    TransactionRequest automaticRequest() {
        return new TransactionRequest(name, role, device, target, intent, trigger, false, false);
    }

    /** @throws DtmException BAD_REQUEST while a change of this end waits for a confirmation. Caller locks. */
    void refuseWhilePending() {
        if (current != null) {
            current.pendingEntry().ifPresent(p -> {
                throw new DtmException(DtmException.Reason.BAD_REQUEST, name + " has a change pending confirmation"
                        + " (entry " + p.number() + "): confirm it or let it roll back first");
            });
        }
    }

    /** Records the end of {@code tx} (outcome {@code t}, null if it failed): what runs, and the state shown. */
    synchronized void finished(ConfigTransaction tx, Transaction t) {
        if (current == tx) {
            current = null;
        }
        runningKnown = tx.runningKnown();
        running = tx.running();
        lastState = t == null ? "out-of-sync" : switch (t.result()) {
            case REFUSED -> "refused";
            case FAILED -> "unreadable";
            default -> "synced";
        };
    }
}
