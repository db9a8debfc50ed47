package net.dtm.store.zookeeper;

import java.util.List;

import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;

import net.dtm.spi.store.StoreUnavailableException;

/** Turns what ZooKeeper and Curator throw into the store SPI's exceptions. */
final class ZkErrors {

    private ZkErrors() {
    }

    /** A ZooKeeper call. */
    @FunctionalInterface
    interface ZkCall<T> {
        T call() throws Exception;
    }

    /**
     * Runs {@code call}; the SPI's own exceptions and {@link IllegalArgumentException} pass
     * through, everything else becomes a {@link StoreUnavailableException} naming {@code what}.
     */
    static <T> T run(String what, ZkCall<T> call) {
        try {
            return call.call();
        } catch (StoreUnavailableException | IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw unavailable(what, e);
        }
    }

    static StoreUnavailableException unavailable(String what, Throwable e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new StoreUnavailableException(what + ": interrupted", e);
        }
        if (e instanceof KeeperException k) {
            String reason = switch (k.code()) {
                case CONNECTIONLOSS -> "connection to ZooKeeper lost (the outcome of a write in flight is unknown)";
                case SESSIONEXPIRED -> "ZooKeeper session expired";
                case OPERATIONTIMEOUT -> "ZooKeeper operation timed out";
                case REQUESTTIMEOUT -> "ZooKeeper did not answer within request.timeout.ms (the outcome of a write in flight"
                        + " is unknown; the client connects again)";
                case SESSIONMOVED -> "ZooKeeper session moved to another server";
                case NOAUTH -> "ZooKeeper refused DTM's credential (NoAuth at " + k.getPath()
                        + "): every node must use the same auth.user and auth.password";
                case AUTHFAILED -> "ZooKeeper authentication failed";
                default -> "ZooKeeper error " + k.code() + (k.getPath() == null ? "" : " at " + k.getPath());
            };
            return new StoreUnavailableException(what + ": " + reason, e);
        }
        if (e instanceof IllegalStateException) {
            return new StoreUnavailableException(what + ": the ZooKeeper client is closed (" + e.getMessage() + ")", e);
        }
        return new StoreUnavailableException(what + ": " + e, e);
    }

    /**
     * Index of the operation that made a multi-operation transaction fail, or -1 if not known.
     * ZooKeeper reports every operation of a failed transaction as an error: those before the
     * culprit with OK, the culprit with its code, those after with RUNTIMEINCONSISTENCY.
     */
    static int failedOp(KeeperException e) {
        List<OpResult> results = e.getResults();
        if (results == null) {
            return -1;
        }
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof OpResult.ErrorResult err && err.getErr() != KeeperException.Code.OK.intValue()
                    && err.getErr() != KeeperException.Code.RUNTIMEINCONSISTENCY.intValue()) {
                return i;
            }
        }
        return -1;
    }
}
