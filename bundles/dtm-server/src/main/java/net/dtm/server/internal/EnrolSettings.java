package net.dtm.server.internal;

/**
 * Rate limits of ENROL requests, from {@code net.dtm.server}; see {@link EnrolLimits}.
 *
 * @param sourceRate  ENROLs per second one source address may send on average ({@code enrol.source.rate})
 * @param sourceBurst ENROLs one source address may send at once ({@code enrol.source.burst})
 * @param keyRate     ENROLs per second naming one enrolment key on average ({@code enrol.key.rate})
 * @param keyBurst    ENROLs naming one enrolment key at once ({@code enrol.key.burst})
 */
public record EnrolSettings(double sourceRate, int sourceBurst, double keyRate, int keyBurst) {

    /** Defaults: a depot's routers behind one address, a fleet sharing one key, a few retries each. */
    public static final EnrolSettings DEFAULTS = new EnrolSettings(20, 100, 200, 1000);

    /** @throws IllegalArgumentException naming the setting that is not positive */
    public EnrolSettings {
        if (!(sourceRate > 0) || !Double.isFinite(sourceRate)) {
            throw new IllegalArgumentException("enrol.source.rate must be positive: " + sourceRate);
        }
        if (sourceBurst < 1) {
            throw new IllegalArgumentException("enrol.source.burst must be positive: " + sourceBurst);
        }
        if (!(keyRate > 0) || !Double.isFinite(keyRate)) {
            throw new IllegalArgumentException("enrol.key.rate must be positive: " + keyRate);
        }
        if (keyBurst < 1) {
            throw new IllegalArgumentException("enrol.key.burst must be positive: " + keyBurst);
        }
    }
}
