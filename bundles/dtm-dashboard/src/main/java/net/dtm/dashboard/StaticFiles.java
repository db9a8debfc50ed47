package net.dtm.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard's files, read once from a resource loader (the bundle's class loader) under a fixed
 * folder and kept in memory with their content type and a strong ETag. Only plain names are served:
 * segments of letters, digits, '-' and '_' with one extension from {@link #TYPES}; anything else
 * (a "..", a backslash, a hidden file, an unknown type) is simply not a file here.
 * <p>
 * HTML files may name other files as {@code {{asset:app.js}}}: the reference becomes
 * {@code app.js?v=<first 12 hex of the file's SHA-256>}, so those files can be cached for long
 * (see {@link File#immutable()}) while a new version of the bundle changes their URLs.
 */
public final class StaticFiles {

    /** Content types by extension: everything the dashboard ships. */
    static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "json", "application/json");

    private static final Pattern NAME = Pattern.compile("(?:[A-Za-z0-9_-]+/)*[A-Za-z0-9_-]+\\.([a-z0-9]+)");
    private static final Pattern ASSET = Pattern.compile("\\{\\{asset:([^}]+)}}");

    /**
     * One file ready to send.
     *
     * @param name        its name below the folder, e.g. {@code app.js}
     * @param contentType its content type
     * @param body        its bytes (HTML with asset references resolved)
     * @param etag        a strong ETag (quoted)
     */
    public record File(String name, String contentType, byte[] body, String etag) {

        /** HTML is revalidated on every load; other files are addressed by version and never change. */
        public boolean immutable() {
            return !contentType.startsWith("text/html");
        }
    }

    private final String folder;
    private final Function<String, InputStream> loader;
    private final Map<String, Optional<File>> cache = new ConcurrentHashMap<>();

    /**
     * @param folder resource folder, e.g. {@code dashboard} (no leading or trailing '/')
     * @param loader opens a resource by its full name, or returns null when there is none
     */
    public StaticFiles(String folder, Function<String, InputStream> loader) {
        this.folder = folder;
        this.loader = loader;
    }

    /** Files from {@code classLoader} under {@code folder}. */
    public static StaticFiles of(String folder, ClassLoader classLoader) {
        return new StaticFiles(folder, classLoader::getResourceAsStream);
    }

    /** Whether {@code name} is a name this class would ever serve (a check on its form only). */
    static boolean plainName(String name) {
        Matcher m = NAME.matcher(name);
        return m.matches() && TYPES.containsKey(m.group(1));
    }

    /** The file called {@code name} (relative to the folder), if it is a plain name and exists. */
    public Optional<File> file(String name) {
        if (name == null || !plainName(name)) {
            return Optional.empty();
        }
        Optional<File> known = cache.get(name);
        if (known != null) {
            return known;
        }
        // not computeIfAbsent: an HTML file loads the files it refers to (a nested update of the map)
        Optional<File> loaded = load(name);
        Optional<File> raced = cache.putIfAbsent(name, loaded);
        return raced != null ? raced : loaded;
    }

    private Optional<File> load(String name) {
        byte[] raw = read(name);
        if (raw == null) {
            return Optional.empty();
        }
        String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT));
        byte[] body = type.startsWith("text/html") ? resolveAssets(name, raw) : raw;
        return Optional.of(new File(name, type, body, '"' + sha256(body).substring(0, 32) + '"'));
    }

    private byte[] resolveAssets(String page, byte[] html) {
        Matcher m = ASSET.matcher(new String(html, StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String asset = m.group(1);
            File f = file(asset).filter(File::immutable).orElseThrow(() -> new IllegalStateException(
                    page + " refers to " + asset + ", which is not among the dashboard's files"));
            m.appendReplacement(out, Matcher.quoteReplacement(asset + "?v=" + f.etag().substring(1, 13)));
        }
        m.appendTail(out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private byte[] read(String name) {
        try (InputStream in = loader.apply(folder + "/" + name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard's " + name, e);
        }
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
