package net.dtm.rest;

import net.dtm.api.DtmException;
import net.dtm.api.http.HttpProblem;

/** The problems the API answers, worded like the shell's refusals. */
final class Problems {

    private Problems() {
    }

    /** 404 Pool not found: {@code no pool named 'x'}. */
    static HttpProblem noPool(String name) {
        return new HttpProblem(404, "Pool not found", "no pool named '" + name + "'");
    }

    /** 404 Device not found. */
    static HttpProblem noDevice(Object id) {
        return new HttpProblem(404, "Device not found", "device " + id + " is not enrolled");
    }

    /** 404 Lease not found. */
    static HttpProblem noLease(String detail) {
        return new HttpProblem(404, "Lease not found", detail);
    }

    /** 404 Node not found. */
    static HttpProblem noNode(String id) {
        return new HttpProblem(404, "Node not found", "no node named '" + id + "'");
    }

    /**
     * A service's refusal with its reason: exhausted pool 409, no pool or unknown lease 404, store
     * unavailable or not serving 503, bad request 400, anything else 500 (the detail says why).
     */
    static HttpProblem refused(DtmException e) {
        int status = switch (e.reason()) {
            case POOL_EXHAUSTED, STALE_SEQUENCE -> 409;
            case NO_POOL, UNKNOWN_LEASE -> 404;
            case STORE_UNAVAILABLE, NOT_SERVING -> 503;
            case BAD_REQUEST -> 400;
            case INTERNAL -> 500;
        };
        return new HttpProblem(status, "Refused: " + e.reason().label(), e.getMessage() + " (" + e.reason().label() + ")");
    }
}
