package net.dtm.agent;

import static net.dtm.agent.AgentLog.LOG;
import static net.dtm.agent.AgentLog.describe;
import static net.dtm.agent.AgentLog.hostPort;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import net.dtm.api.DeviceId;
import net.dtm.protocol.EnrolReply;
import net.dtm.protocol.EnrolmentToken;
import net.dtm.protocol.RouterKeyPair;
import net.dtm.transport.MultiLinkTransport;

/**
 * Finds this device's credential and starts its agent with it: from the credential file
 * ({@code device.key.file}); or, when that file does not exist and an enrolment token file is
 * configured, by enrolling first ({@link Enroller}): the granted credential is written to the file
 * (mode 600) and the agent starts in the same go. A missing (or unusable) file is watched until it
 * holds what is needed. With enrolment configured, the running agent re-enrols by itself after a
 * re-key ({@link ReEnroller}), and a used-up token file is deleted after the first establishment.
 */
final class AgentLauncher implements AutoCloseable {

    /** Starts the agent. */
    @FunctionalInterface
    interface Starter {
        /** Starts the agent with the device key {@code key} asking for {@code pool} (empty: the server's default). */
        TunnelAgent start(byte[] key, String pool);
    }

    /**
     * Where the launcher looks.
     *
     * @param credential the credential file (read, and written after an enrolment)
     * @param token      the enrolment token file, or null without enrolment
     * @param routerKey  this router's key file (used with enrolment only)
     */
    record Paths(Path credential, Path token, Path routerKey) {
        Paths {
            Objects.requireNonNull(credential, "credential");
            Objects.requireNonNull(routerKey, "routerKey");
        }
    }

    private final DeviceId device;
    private final Paths paths;
    private final String configuredPool;
    private final Supplier<List<InetSocketAddress>> servers;
    private final MultiLinkTransport transport;
    private final AgentScheduler scheduler;
    private final Enroller.Timing timing;
    private final Duration pollInterval;
    private final Starter starter;

    private boolean started;
    private boolean closed;
    private boolean failed;
    private RouterKeyPair router;
    private CompletableFuture<Enroller.Outcome> enrolment;
    private ScheduledFuture<?> watch;
    /** The last problem met looking, so that the watch logs each problem once. */
    private String lastProblem;

    /**
     * @param servers        the servers to ask (the agent's current list once it runs)
     * @param configuredPool the pool configured ({@code pool}); empty: the one the enrolment named, if any
     * @param scheduler      the agent's scheduler: enrolment, watch and re-enrolment run on it
     */
    AgentLauncher(DeviceId device, Paths paths, String configuredPool, Supplier<List<InetSocketAddress>> servers,
                  MultiLinkTransport transport, ScheduledExecutorService scheduler, Enroller.Timing timing,
                  Duration pollInterval, Starter starter) {
        this.device = Objects.requireNonNull(device, "device");
        this.paths = Objects.requireNonNull(paths, "paths");
        this.configuredPool = Objects.requireNonNull(configuredPool, "configuredPool");
        this.servers = Objects.requireNonNull(servers, "servers");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.scheduler = new AgentScheduler(Objects.requireNonNull(scheduler, "scheduler"), device);
        this.timing = Objects.requireNonNull(timing, "timing");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        this.starter = Objects.requireNonNull(starter, "starter");
    }

    /** Starts the agent (or its enrolment) now if it can, else watches the files until it can. Never throws. */
    synchronized void launch() {
        if (tryLaunch()) {
            return;
        }
        if (paths.token() == null) {
            LOG.warn("tunnel agent waiting: device={} key file {} is missing or unusable; create it with the device's"
                    + " 64 hex digit key (or set device.key, or enrol.key.file for enrolment, in etc/{}.cfg)", device,
                    paths.credential(), AgentComponent.PID);
        } else if (!Files.exists(paths.token())) {
            LOG.warn("tunnel agent waiting: device={} has no credential in {} and no enrolment token in {}: put the"
                    + " dtmek1-... token that enrolment:create printed in the token file (mode 600), or the device's"
                    + " 64 hex digit key in the key file", device, paths.credential(), paths.token());
        } else {
            LOG.warn("tunnel agent waiting: device={} for a usable {} (see the error above); checked every {} ms",
                    device, Files.exists(paths.credential()) ? "key file " + paths.credential()
                            : "enrolment token in " + paths.token(), pollInterval.toMillis());
        }
        long nanos = pollInterval.toNanos();
        try {
            watch = scheduler.executor().scheduleWithFixedDelay(this::poll, nanos, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            LOG.debug("key file watch not started: device={} the agent is stopping", device);
        }
    }

    private synchronized void poll() {
        if (tryLaunch() && watch != null) {
            watch.cancel(false);
            watch = null;
        }
    }

    /** @return true once there is nothing more to watch for (started, enrolling, closed or failed for good) */
    private boolean tryLaunch() {
        if (started || closed || failed || enrolment != null) {
            return true;
        }
        Path file = paths.credential();
        if (Files.exists(file)) {
            CredentialFile.Credential c;
            try {
                c = CredentialFile.read(file);
            } catch (IOException | IllegalArgumentException e) {
                problem("tunnel agent not started: device=" + device + " key file " + file + " unusable: " + e.getMessage()
                        + (paths.token() == null ? "" : " (it is not replaced by an enrolment: fix or remove it)"));
                return false;
            }
            start(c, null);
            return true;
        }
        if (paths.token() == null || !Files.exists(paths.token())) {
            return false;
        }
        EnrolmentToken token;
        try {
            token = TokenFile.read(paths.token());
        } catch (IOException | IllegalArgumentException e) {
            problem("tunnel agent not enrolling: device=" + device + " " + e.getMessage());
            return false;
        }
        if (routerKey() == null) {
            failed = true;
            return true;
        }
        Enroller enroller = new Enroller(device, router, transport, scheduler, timing);
        enrolment = enroller.enrol(servers, token);
        enrolment.whenCompleteAsync((o, err) -> enrolled(o, err, token), scheduler.executor());
        return true;
    }

    private synchronized void enrolled(Enroller.Outcome o, Throwable err, EnrolmentToken token) {
        if (err != null) {
            if (!(AgentLog.unwrap(err) instanceof CancellationException)) {
                LOG.error("tunnel agent not started: device={} enrolment failed: {}", device, describe(err));
            }
            return;
        }
        if (closed) {
            return;
        }
        EnrolReply reply = o.reply();
        String ms = String.format(Locale.ROOT, "%.1f", o.millis());
        boolean written = false;
        try {
            CredentialFile.writeEnrolled(paths.credential(), reply.deviceKey(), reply.pool());
            LOG.info("enrolled: device={} pool={} server={} time={} ms; credential written to {} (mode 600)", device,
                    reply.pool().isEmpty() ? "(server default)" : reply.pool(), hostPort(o.server()), ms,
                    paths.credential());
            written = true;
        } catch (IOException | RuntimeException e) {
            LOG.error("enrolled: device={} server={} time={} ms, but the credential file {} could not be written ({}):"
                    + " running with the key in memory and keeping the token file; the next start enrols again (the"
                    + " servers give this router the same key)", device, hostPort(o.server()), ms, paths.credential(),
                    e.getMessage());
        }
        start(new CredentialFile.Credential(reply.deviceKey(), reply.pool(), true),
                written && reply.keyUsedUp() ? token : null);
    }

    /** Starts the agent with {@code c}; deletes the token file after the first establishment if {@code usedUp}. */
    private void start(CredentialFile.Credential c, EnrolmentToken usedUp) {
        String pool = configuredPool.isEmpty() ? c.pool() : configuredPool;
        if (!configuredPool.isEmpty() && !c.pool().isEmpty() && !configuredPool.equals(c.pool())) {
            LOG.info("tunnel agent asks for pool {} (configured) rather than {} (named at enrolment): device={}",
                    configuredPool, c.pool(), device);
        }
        TunnelAgent agent;
        try {
            agent = starter.start(c.key(), pool);
        } catch (IllegalArgumentException e) {
            LOG.error("tunnel agent not started: device={} settings invalid: {}", device, e.getMessage());
            failed = true;
            return;
        }
        started = true;
        if (usedUp != null) {
            TokenFile.deleteAfterEstablishment(agent, paths.token(), usedUp);
        }
        if (paths.token() != null && routerKey() != null) {
            Enroller enroller = new Enroller(device, router, transport, scheduler, timing);
            agent.addSilenceListener(new ReEnroller(device, enroller, scheduler.executor(), agent, agent::servers,
                    paths.token(), paths.credential(), c, ReEnroller.DEFAULT_THRESHOLD));
        }
    }

    /** This router's key pair, loaded (or made) once; null, with the error logged, if its file is unusable. */
    private RouterKeyPair routerKey() {
        if (router == null) {
            try {
                router = RouterKeyFile.loadOrCreate(paths.routerKey());
            } catch (IOException | RuntimeException e) {
                LOG.error("{}: device={} router key file {} unusable: {}", started ? "re-enrolment off"
                        : "tunnel agent not started", device, paths.routerKey(), e.getMessage());
            }
        }
        return router;
    }

    private void problem(String message) {
        if (!message.equals(lastProblem)) {
            lastProblem = message;
            LOG.error(message);
        }
    }

    /** Stops watching and enrolling; the agent started, if any, is the caller's to close. */
    @Override
    public synchronized void close() {
        closed = true;
        if (watch != null) {
            watch.cancel(false);
            watch = null;
        }
        if (enrolment != null) {
            enrolment.cancel(false);
        }
    }
}
