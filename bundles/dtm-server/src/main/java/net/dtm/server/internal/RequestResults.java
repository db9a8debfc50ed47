package net.dtm.server.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.Sample;
import net.dtm.protocol.MessageType;

/**
 * Answered requests by request type and result, counted once per answered datagram (as
 * {@link RequestLatency#with(RequestResults)} times them) and reported as {@code dtm_server_requests_total{type,result}}:
 * type is the request's message type, result the type of the answer it got (params, ack, nak,
 * enrol_reply), lower case. A copy of a request answered again counts with the answer it got.
 * Both labels are message types: a bounded set.
 */
public final class RequestResults {

    /** The family reported. */
    public static final String METRIC = "dtm_server_requests_total";

    private final Map<MessageType, Map<MessageType, LongAdder>> counts = new EnumMap<>(MessageType.class);

    public RequestResults() {
        RequestLatency.REQUESTS.forEach(t -> counts.put(t, new ConcurrentHashMap<>()));
    }

    /** Counts a request of type {@code request} as answered with one of type {@code result} (null: none). */
    void count(MessageType request, MessageType result) {
        Map<MessageType, LongAdder> byResult = request == null ? null : counts.get(request);
        if (byResult != null && result != null) {
            byResult.computeIfAbsent(result, r -> new LongAdder()).increment();
        }
    }

    /** The counter family: one sample per request type and result seen so far. */
    public Metric metric() {
        List<Sample> samples = new ArrayList<>();
        counts.forEach((type, byResult) -> byResult.entrySet().stream()
                .sorted(Comparator.comparing(Map.Entry::getKey))
                .forEach(e -> samples.add(Sample.of(Map.of("type", RequestLatency.label(type), "result", RequestLatency.label(e.getKey())),
                        e.getValue().sum()))));
        return new Metric(METRIC, "Requests answered, by request type and the type of the answer they got",
                Metric.Type.COUNTER, samples);
    }
}
