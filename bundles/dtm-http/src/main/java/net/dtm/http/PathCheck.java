package net.dtm.http;

/** Whether a decoded request path is plain: no '.' or '..' segment, no backslash, no control character. */
final class PathCheck {

    private PathCheck() {
    }

    static boolean normal(String path) {
        if (path.indexOf('\\') >= 0 || path.chars().anyMatch(Character::isISOControl)) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (".".equals(segment) || "..".equals(segment)) {
                return false;
            }
        }
        return true;
    }
}
