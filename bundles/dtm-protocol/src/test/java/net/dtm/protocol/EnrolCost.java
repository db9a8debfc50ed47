package net.dtm.protocol;

import java.security.SecureRandom;

import net.dtm.api.DeviceId;

/**
 * Prints what the enrolment exchange costs on this machine, one thread, after warm-up: a signature
 * verification, a reply's ECDH and seal, and the router's side. Not a test: run by hand with
 * {@code java -cp target/classes:target/test-classes:<dtm-api.jar> net.dtm.protocol.EnrolCost [rounds]}.
 */
public final class EnrolCost {

    private EnrolCost() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        EnrolmentToken token = EnrolmentToken.generate(new SecureRandom());
        RouterKeyPair router = RouterKeyPair.generate();
        DeviceId device = DeviceId.of("bus-0042.depot-north");
        byte[] request = EnrolCodec.encodeRequest(device, 1, 1, router, token);
        EnrolRequest sent = EnrolCodec.decodeRequest(request).request();
        EnrolReply grant = EnrolReply.granted(Samples.key(1), "demo", false);
        byte[] reply = EnrolCodec.encodeReply(sent, 1, grant, token.replyKey());
        for (int pass = 0; pass < 2; pass++) { // the first pass warms up
            boolean print = pass == 1;
            time(print, "decodeRequest (structure only)", rounds, () -> EnrolCodec.decodeRequest(request));
            time(print, "decodeRequest + signatureVerifies", rounds, () -> {
                if (!EnrolCodec.decodeRequest(request).signatureVerifies()) {
                    throw new IllegalStateException("does not verify");
                }
            });
            time(print, "encodeReply (ephemeral key, ECDH, HKDF, seal)", rounds, () -> EnrolCodec.encodeReply(sent, 1, grant, token.replyKey()));
            time(print, "decodeReply (ECDH, HKDF, open)", rounds, () -> EnrolCodec.decodeReply(reply, sent, router, token.replyKey()));
            time(print, "encodeRequest (Ed25519 sign)", rounds, () -> EnrolCodec.encodeRequest(device, 1, 1, router, token));
        }
    }

    private interface Op {
        void run() throws Exception;
    }

    private static void time(boolean print, String what, int rounds, Op op) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            op.run();
        }
        long nanos = System.nanoTime() - start;
        if (print) {
            System.out.printf("%-48s %8.1f µs/op  (%,d ops/s on one thread)%n", what, nanos / 1000.0 / rounds,
                    (long) (rounds * 1e9 / nanos));
        }
    }
}
