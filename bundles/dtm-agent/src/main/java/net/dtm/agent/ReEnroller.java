package net.dtm.agent;

import static net.dtm.agent.AgentLog.LOG;
import static net.dtm.agent.AgentLog.describe;
import static net.dtm.agent.AgentLog.hostPort;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

import net.dtm.api.DeviceId;
import net.dtm.protocol.EnrolReply;
import net.dtm.protocol.EnrolmentToken;

/**
 * Re-enrols a running agent after an operator's re-key: when {@value #DEFAULT_THRESHOLD} (or the
 * configured number of) attempts in a row got no authentic answer from any server, and again after
 * as many more, sends one ENROL: with the enrolment token if its file still exists, else (for a
 * router that enrolled itself) a key fetch, whose grant counts only if sealed under the key in use
 * (the server seals it with the key it replaced). A granted new key is written to the credential file and
 * used at once ({@link TunnelAgent#replaceKey}); a grant of the key in use changes nothing. Runs on
 * the agent's thread; one ENROL at a time.
 */
final class ReEnroller implements IntConsumer {

    /** Unanswered attempts in a row before a re-enrolment. */
    static final int DEFAULT_THRESHOLD = 3;

    private final DeviceId device;
    private final Enroller enroller;
    private final Executor executor;
    private final TunnelAgent agent;
    private final Supplier<List<InetSocketAddress>> servers;
    private final Path tokenFile;
    private final Path credentialFile;
    private final int threshold;
    private byte[] key;
    private boolean enrolledByRouter;
    private boolean inFlight;
    private String lastTokenError;

    /**
     * @param executor runs what follows an answer (the agent's scheduler)
     * @param current  the credential in use
     */
    ReEnroller(DeviceId device, Enroller enroller, Executor executor, TunnelAgent agent,
               Supplier<List<InetSocketAddress>> servers, Path tokenFile, Path credentialFile,
               CredentialFile.Credential current, int threshold) {
        this.device = Objects.requireNonNull(device, "device");
        this.enroller = Objects.requireNonNull(enroller, "enroller");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.agent = Objects.requireNonNull(agent, "agent");
        this.servers = Objects.requireNonNull(servers, "servers");
        this.tokenFile = Objects.requireNonNull(tokenFile, "tokenFile");
        this.credentialFile = Objects.requireNonNull(credentialFile, "credentialFile");
        this.key = current.key();
        this.enrolledByRouter = current.enrolled();
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1, got " + threshold);
        }
        this.threshold = threshold;
    }

    @Override
    public synchronized void accept(int unansweredInARow) {
        if (inFlight || unansweredInARow % threshold != 0) {
            return;
        }
        EnrolmentToken token = token();
        if (token == null && !enrolledByRouter) {
            LOG.debug("no re-enrolment: device={} has no enrolment token and did not enrol itself", device);
            return;
        }
        LOG.info("no server answered device={} for {} attempts in a row: its key may have been replaced (re-key);"
                + " re-enrolling ({})", device, unansweredInARow, Enroller.what(token));
        inFlight = true;
        enroller.attempt(servers.get(), token, key).whenCompleteAsync((o, err) -> {
            try {
                if (err != null) {
                    LOG.warn("re-enrolment failed: device={} error={}", device, describe(err));
                } else {
                    outcome(o, token);
                }
            } finally {
                synchronized (this) {
                    inFlight = false;
                }
            }
        }, executor);
    }

    private synchronized void outcome(Enroller.Outcome o, EnrolmentToken token) {
        switch (o.result()) {
            case GRANTED -> granted(o, token);
            case REFUSED -> LOG.warn("re-enrolment refused by server {}: device={} ({}). If the device was re-keyed,"
                    + " allow it to re-enrol on a server (device:allow-reenrol {}); an enrolment key must also be"
                    + " valid for it, or the device must have been enrolled by this router", hostPort(o.server()), device,
                    Enroller.what(token), device);
            case TRY_LATER -> LOG.info("re-enrolment deferred by server {}: device={}", hostPort(o.server()), device);
            case UNANSWERED -> LOG.info("re-enrolment unanswered: device={} (the links or the servers are down?)", device);
            default -> throw new IllegalStateException(o.result().name());
        }
    }

    private void granted(Enroller.Outcome o, EnrolmentToken token) {
        EnrolReply reply = o.reply();
        byte[] granted = reply.deviceKey();
        if (MessageDigest.isEqual(granted, key)) {
            LOG.info("re-enrolment: server {} confirms the key in use: device={} (the silence was not a re-key)",
                    hostPort(o.server()), device);
            return;
        }
        key = granted.clone();
        enrolledByRouter = true;
        boolean written = false;
        try {
            CredentialFile.writeEnrolled(credentialFile, granted, reply.pool());
            LOG.info("re-enrolled: device={} new key from server {}, written to {} (mode 600)", device,
                    hostPort(o.server()), credentialFile);
            written = true;
        } catch (IOException | RuntimeException e) {
            LOG.error("re-enrolled: device={} new key from server {}, but credential file {} could not be written ({});"
                    + " using the key in memory", device, hostPort(o.server()), credentialFile, e.getMessage());
        }
        agent.replaceKey(granted);
        if (written && token != null && reply.keyUsedUp()) {
            TokenFile.deleteAfterEstablishment(agent, tokenFile, token);
        }
    }

    /** The token in the token file, or null if there is none (a bad file is logged once). */
    private EnrolmentToken token() {
        if (!Files.isRegularFile(tokenFile)) {
            return null;
        }
        try {
            EnrolmentToken t = TokenFile.read(tokenFile);
            lastTokenError = null;
            return t;
        } catch (IOException | IllegalArgumentException e) {
            if (!Objects.equals(e.getMessage(), lastTokenError)) {
                lastTokenError = e.getMessage();
                LOG.error("re-enrolment without the token: device={} {}", device, e.getMessage());
            }
            return null;
        }
    }
}
