package net.dtm.api.http;

/**
 * A request that cannot be served, answered as RFC 9457 {@code application/problem+json}:
 * {@code {"type":"about:blank","title":...,"status":...,"detail":...}}.
 */
public class HttpProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String title;

    /**
     * @param status HTTP status, 400..599
     * @param title  short, the same for every occurrence (e.g. "Pool not found")
     * @param detail this occurrence (e.g. "no pool named edge-1"); never a secret
     */
    public HttpProblem(int status, String title, String detail) {
        super(detail);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("problem status must be 400..599: " + status);
        }
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    /** 400 Bad request. */
    public static HttpProblem badRequest(String detail) {
        return new HttpProblem(400, "Bad request", detail);
    }

    /** 404 Not found. */
    public static HttpProblem notFound(String detail) {
        return new HttpProblem(404, "Not found", detail);
    }

    /** 409 Conflict. */
    public static HttpProblem conflict(String detail) {
        return new HttpProblem(409, "Conflict", detail);
    }

    /** 405 Method not allowed. */
    public static HttpProblem methodNotAllowed(String method) {
        return new HttpProblem(405, "Method not allowed", method + " is not allowed here");
    }
}
