package net.dtm.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A component's readiness, registered as a service by every DTM component that serves something
 * (the server node, the agent). Readiness endpoints and {@code node:health} ask every registered
 * one: the process is ready when all are. Answers quickly from state already known (no store
 * round trip longer than a second).
 */
@ConsumerType
public interface HealthService {

    /** The component's checks now. */
    Health health();
}
