package net.dtm.server.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import net.dtm.api.metrics.LatencyRecorder;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.Sample;
import net.dtm.protocol.Codec;
import net.dtm.protocol.MessageType;
import net.dtm.protocol.ProtocolException;

/**
 * Request handling time per request type, from the datagram received to its answer sent: one
 * {@link LatencyRecorder} for each type a node serves (ESTABLISH, CONFIRM, RENEW, RELEASE, PATH,
 * ENROL), reported as the histogram {@code dtm_server_request_seconds{type}}.
 */
public final class RequestLatency implements UdpEndpoint.AnswerTiming {

    /** The family reported. */
    public static final String METRIC = "dtm_server_request_seconds";

    private static final List<MessageType> REQUESTS = List.of(MessageType.ESTABLISH, MessageType.CONFIRM,
            MessageType.RENEW, MessageType.RELEASE, MessageType.PATH, MessageType.ENROL);

    private final Map<MessageType, LatencyRecorder> recorders = new EnumMap<>(MessageType.class);

    public RequestLatency() {
        REQUESTS.forEach(t -> recorders.put(t, new LatencyRecorder()));
    }

    /** Records that {@code datagram}, a request, was answered {@code nanos} after it was received. */
    @Override
    public void answered(byte[] datagram, long nanos) {
        MessageType type;
        try {
            type = Codec.peek(datagram).type();
        } catch (ProtocolException e) {
            return;   // it was answered, so it parsed: cannot happen
        }
        LatencyRecorder r = recorders.get(type);
        if (r != null) {
            r.recordNanos(nanos);
        }
    }

    /** The histogram family, one sample per request type (label {@code type}, lower case). */
    public Metric metric() {
        List<Sample> samples = new ArrayList<>();
        recorders.forEach((type, r) -> samples.add(Sample.of(Map.of("type", type.name().toLowerCase(Locale.ROOT)), r.snapshot())));
        return new Metric(METRIC, "Request handling time from datagram received to answer sent, by request type",
                Metric.Type.HISTOGRAM, samples);
    }
}
