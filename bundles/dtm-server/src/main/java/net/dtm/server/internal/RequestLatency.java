package net.dtm.server.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

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
public final class RequestLatency {

    /** The family reported. */
    public static final String METRIC = "dtm_server_request_seconds";

    /** The request types a node serves. */
    static final List<MessageType> REQUESTS = List.of(MessageType.ESTABLISH, MessageType.CONFIRM,
            MessageType.RENEW, MessageType.RELEASE, MessageType.PATH, MessageType.ENROL);

    private final Map<MessageType, LatencyRecorder> recorders = new EnumMap<>(MessageType.class);

    public RequestLatency() {
        REQUESTS.forEach(t -> recorders.put(t, new LatencyRecorder()));
    }

    /**
     * The timing an endpoint tells of each answered datagram: it reads the request's and the
     * answer's clear headers once each and records the time here and the result in {@code results}.
     */
    public UdpEndpoint.AnswerTiming with(RequestResults results) {
        Objects.requireNonNull(results, "results");
        return (datagram, answer, nanos) -> {
            MessageType request = typeOf(datagram);
            record(request, nanos);
            results.count(request, typeOf(answer));
        };
    }

    /** Records that a request of type {@code request} (null: none) was answered {@code nanos} after it was received. */
    void record(MessageType request, long nanos) {
        LatencyRecorder r = request == null ? null : recorders.get(request);
        if (r != null) {
            r.recordNanos(nanos);
        }
    }

    /** A message type as a label value: its name in lower case. */
    static String label(MessageType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    /** The type in a datagram's clear header, or null if it has none (an answered datagram has one). */
    static MessageType typeOf(byte[] datagram) {
        try {
            return Codec.peek(datagram).type();
        } catch (ProtocolException e) {
            return null;
        }
    }

    /** The histogram family, one sample per request type (label {@code type}, lower case). */
    public Metric metric() {
        List<Sample> samples = new ArrayList<>();
        recorders.forEach((type, r) -> samples.add(Sample.of(Map.of("type", label(type)), r.snapshot())));
        return new Metric(METRIC, "Request handling time from datagram received to answer sent, by request type",
                Metric.Type.HISTOGRAM, samples);
    }
}
