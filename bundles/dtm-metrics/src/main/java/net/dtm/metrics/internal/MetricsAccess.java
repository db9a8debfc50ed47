package net.dtm.metrics.internal;

import java.util.Locale;

import net.dtm.api.http.HttpEndpoint;

/** The {@code access} setting of PID {@code net.dtm.metrics}: who may scrape {@code /metrics}. */
final class MetricsAccess {

    private MetricsAccess() {
    }

    /**
     * The endpoint's {@link HttpEndpoint#ACCESS} value for a configured {@code access}: {@code public}
     * (blank too) or {@code key} (an API key with the viewer role).
     *
     * @throws IllegalArgumentException naming the PID, the key and the allowed values
     */
    static String parse(String configured) {
        String v = configured == null ? "" : configured.trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty() || v.equals(HttpEndpoint.ACCESS_PUBLIC)) {
            return HttpEndpoint.ACCESS_PUBLIC;
        }
        if (v.equals(HttpEndpoint.ACCESS_KEY)) {
            return HttpEndpoint.ACCESS_KEY;
        }
        throw new IllegalArgumentException("etc/" + MetricsComponent.PID + ".cfg: access = '" + configured
                + "' is not public or key");
    }
}
