#!/bin/sh
#
# Tests bin/dtm-init: concurrent first starts create exactly one account; the password is never
# readable by others, not even for a moment (the files are written under umask 077 to new files,
# mode 600 when they are renamed into place, and the shipped users.properties is replaced, never
# appended to); a second run changes nothing. Runs both with flock(1) and with the mkdir lock.
#
# Usage: sh karaf-assembly/src/test/sh/dtm-init-test.sh [path/to/dtm-init]   (exit 0: all passed)
#
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SCRIPT="${1:-${HERE}/../../main/resources/assembly/bin/dtm-init}"
WORK=$(mktemp -d)
trap 'rm -rf "${WORK}"' EXIT
FAILED=0
fail() { echo "FAIL: $*" >&2; FAILED=1; }
mode() { stat -c %a "$1"; }

# A PATH where mv checks what it renames: mode 600 and not yet under its final name.
mkdir -p "${WORK}/shim" "${WORK}/noflock"
REAL_MV=$(command -v mv)
cat > "${WORK}/shim/mv" <<SHIM
#!/bin/sh
for a in "\$@"; do case "\$a" in -*) ;; *) src="\$a"; break ;; esac; done
m=\$(stat -c %a "\${src}")
echo "\${src} \${m}" >> "${WORK}/renames"
exec "${REAL_MV}" "\$@"
SHIM
chmod +x "${WORK}/shim/mv"
# The same tools without flock, for the mkdir lock.
for t in sh cat grep tr head date mktemp rm mkdir kill sleep stat dirname pwd chmod; do
    p=$(command -v "$t") && ln -sf "$p" "${WORK}/noflock/$t"
done
ln -sf "${WORK}/shim/mv" "${WORK}/noflock/mv"

run_case() { # $1: label, $2: PATH
    etc="${WORK}/$1/etc"
    mkdir -p "${etc}"
    printf '# users\n#karaf = karaf,_g_:admingroup\n#_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n' > "${etc}/users.properties"
    chmod 644 "${etc}/users.properties"
    before=$(ls -i "${etc}/users.properties" | cut -d' ' -f1)
    : > "${WORK}/renames"
    i=0
    pids=""
    while [ $i -lt 8 ]; do
        ( umask 000; PATH="$2" sh "${SCRIPT}" "${etc}" 2>>"${WORK}/$1/stderr" ) &
        pids="${pids} $!"
        i=$((i + 1))
    done
    for p in ${pids}; do wait "$p" || fail "$1: a run exited non-zero: $(cat "${WORK}/$1/stderr")"; done

    admins=$(grep -c '^admin = ' "${etc}/users.properties")
    [ "${admins}" = 1 ] || fail "$1: ${admins} admin lines after 8 concurrent runs (expected 1)"
    created=$(grep -c 'credentials created' "${WORK}/$1/stderr")
    [ "${created}" = 1 ] || fail "$1: ${created} runs created credentials (expected 1)"
    [ "$(mode "${etc}/users.properties")" = 600 ] || fail "$1: users.properties mode $(mode "${etc}/users.properties")"
    [ "$(mode "${etc}/dtm-operator.credentials")" = 600 ] || fail "$1: credentials mode $(mode "${etc}/dtm-operator.credentials")"
    pw=$(sed -n 's/^password=//p' "${etc}/dtm-operator.credentials")
    grep -q "^admin = ${pw},_g_:admingroup\$" "${etc}/users.properties" || fail "$1: the credentials file and users.properties disagree"
    after=$(ls -i "${etc}/users.properties" | cut -d' ' -f1)
    [ "${before}" != "${after}" ] || fail "$1: users.properties (mode 644) was written in place: the password was readable by others while it was"
    [ -s "${WORK}/renames" ] || fail "$1: nothing renamed into place"
    while read -r src m; do
        [ "${m}" = 600 ] || fail "$1: ${src} had mode ${m} when renamed into place"
    done < "${WORK}/renames"
    leftovers=$(ls -A "${etc}" | grep -v -e '^users.properties$' -e '^dtm-operator.credentials$' -e '^\.dtm-init\.lock$')
    [ -z "${leftovers}" ] || fail "$1: left behind in etc/: ${leftovers}"

    # A later start changes nothing.
    sum=$(cat "${etc}/users.properties" "${etc}/dtm-operator.credentials" | cksum)
    PATH="$2" sh "${SCRIPT}" "${etc}" 2>/dev/null || fail "$1: a later run failed"
    [ "$(cat "${etc}/users.properties" "${etc}/dtm-operator.credentials" | cksum)" = "${sum}" ] || fail "$1: a later run changed the files"
}

if command -v flock >/dev/null 2>&1; then
    run_case flock "${WORK}/shim:${PATH}"
else
    echo "note: no flock(1) here, only the mkdir lock is tested" >&2
fi
run_case mkdir-lock "${WORK}/noflock"

# The umask comes before anything the script writes.
first_write=$(grep -n -E '(^|[^0-9&])>[^&]|mktemp|mkdir' "${SCRIPT}" | grep -v '^[0-9]*:[[:space:]]*#' | grep -v '/dev/null' | head -1 | cut -d: -f1)
umask_line=$(grep -n '^umask 077$' "${SCRIPT}" | head -1 | cut -d: -f1)
[ -n "${umask_line}" ] && [ "${umask_line}" -lt "${first_write}" ] || fail "umask 077 (line ${umask_line:-none}) must precede the first write (line ${first_write})"

[ "${FAILED}" = 0 ] && echo "dtm-init-test: all passed"
exit "${FAILED}"
