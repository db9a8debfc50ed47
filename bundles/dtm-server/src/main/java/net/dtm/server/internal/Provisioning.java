package net.dtm.server.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DtmException;
import net.dtm.spi.store.StoreUnavailableException;

/**
 * Runs the first-start provisioning ({@link Bootstrap}) so that an unreachable store does not keep
 * the node from serving: the first attempt runs at once; while the store cannot be reached (a
 * cluster node started before its ZooKeeper quorum is up) it is retried every {@code period} in the
 * background, with one WARN line when it starts waiting and one INFO line when it is done. Any other
 * failure of the first attempt is thrown to the caller (a bad configuration must fail activation);
 * of a later attempt it is logged as an ERROR and the retries stop.
 */
public final class Provisioning implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Provisioning.class);

    /** One provisioning attempt; must be safe to repeat (it creates only what is missing). */
    @FunctionalInterface
    public interface Step {
        void run() throws IOException;
    }

    private final Step step;
    private final String nodeId;
    private final ScheduledExecutorService retries;
    private volatile boolean done;

    private Provisioning(Step step, String nodeId, ScheduledExecutorService retries) {
        this.step = step;
        this.nodeId = nodeId;
        this.retries = retries;
    }

    /**
     * Runs {@code step} now, and again every {@code period} while the store is unavailable.
     *
     * @throws IOException or a runtime exception of the first attempt if it failed for any other reason
     */
    public static Provisioning start(Step step, Duration period, String nodeId) throws IOException {
        try {
            step.run();
            Provisioning p = new Provisioning(step, nodeId, null);
            p.done = true;
            return p;
        } catch (RuntimeException e) {
            if (!isUnavailable(e)) {
                throw e;
            }
            LOG.warn("bootstrap provisioning waits for the store: node={} {}; retrying every {} s", nodeId,
                    e.getMessage(), period.toSeconds());
        }
        ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dtm-bootstrap-retry");
            t.setDaemon(true);
            return t;
        });
        Provisioning p = new Provisioning(step, nodeId, retries);
        retries.scheduleWithFixedDelay(p::retry, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return p;
    }

    private void retry() {
        if (done) {
            return;
        }
        try {
            step.run();
            done = true;
            LOG.info("bootstrap provisioning done: node={} (the store is reachable again)", nodeId);
        } catch (RuntimeException e) {
            if (isUnavailable(e)) {
                LOG.debug("bootstrap provisioning still waits for the store: node={} {}", nodeId, e.getMessage());
                return;
            }
            done = true;
            LOG.error("bootstrap provisioning failed: node={} {}", nodeId, e.toString());
        } catch (IOException e) {
            done = true;
            LOG.error("bootstrap provisioning failed: node={} {}", nodeId, e.toString());
        }
        if (done) {
            retries.shutdown();
        }
    }

    /** Whether provisioning has finished (successfully or for good). */
    public boolean done() {
        return done;
    }

    private static boolean isUnavailable(RuntimeException e) {
        return e instanceof StoreUnavailableException
                || e instanceof DtmException d && d.reason() == DtmException.Reason.STORE_UNAVAILABLE;
    }

    /** Stops retrying. */
    @Override
    public void close() {
        if (retries != null) {
            retries.shutdownNow();
        }
    }
}
