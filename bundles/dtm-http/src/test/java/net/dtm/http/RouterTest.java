package net.dtm.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.http.HttpEndpoint;
import net.dtm.api.http.HttpResponse;

/** Prefix rules, ties and removal. */
class RouterTest {

    /** A distinct endpoint object each time. */
    private static HttpEndpoint endpoint() {
        Object identity = new Object();
        return request -> HttpResponse.text(200, "text/plain", identity.toString());
    }

    private static Router.Route route(String prefix, HttpEndpoint e, int ranking, long id) {
        return new Router.Route(prefix, false, e, ranking, id);
    }

    @Test
    void theLongestPrefixCoveringTheWholeSegmentWins() {
        Router router = new Router();
        HttpEndpoint root = endpoint();
        HttpEndpoint api = endpoint();
        HttpEndpoint pools = endpoint();
        router.add(route("/", root, 0, 1));
        router.add(route("/api/v1/pools", pools, 0, 3));
        router.add(route("/api", api, 0, 2));

        assertEquals(pools, router.route("/api/v1/pools/x").orElseThrow().endpoint());
        assertEquals(pools, router.route("/api/v1/pools").orElseThrow().endpoint());
        assertEquals(api, router.route("/api/v1/poolsx").orElseThrow().endpoint());
        assertEquals(api, router.route("/api/").orElseThrow().endpoint());
        assertEquals(root, router.route("/apix").orElseThrow().endpoint());
        assertEquals(root, router.route("/").orElseThrow().endpoint());

        assertTrue(router.remove(1));
        assertFalse(router.remove(1));
        assertEquals(Optional.empty(), router.route("/apix"));
    }

    @Test
    void betweenEqualPrefixesTheHigherRankingThenTheOlderServiceWins() {
        Router router = new Router();
        HttpEndpoint older = endpoint();
        HttpEndpoint newer = endpoint();
        HttpEndpoint ranked = endpoint();
        router.add(route("/x", newer, 0, 9));
        router.add(route("/x", older, 0, 4));
        assertEquals(older, router.route("/x").orElseThrow().endpoint());
        router.add(route("/x", ranked, 5, 12));
        assertEquals(ranked, router.route("/x").orElseThrow().endpoint());
        router.remove(12);
        router.remove(4);
        assertEquals(newer, router.route("/x/y").orElseThrow().endpoint());
    }

    @Test
    void badPrefixesAreRefused() {
        Router router = new Router();
        for (String bad : new String[] {null, "", "api", "/api/", "/a//b", "/a/../b", "/a/./b"}) {
            assertThrows(IllegalArgumentException.class, () -> router.add(route(bad, endpoint(), 0, 1)), bad);
        }
        assertTrue(router.routes().isEmpty());
    }
}
