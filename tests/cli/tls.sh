# HTTPS certificate verification (README, mlops-tui(1) SECURITY:
# "Certificates are verified for every host"): a loopback TLS server
# (openssl s_server) with a certificate the client does not trust is
# refused; the same server trusted by the system store (bind-mounted over
# it in a private mount namespace) is accepted; trusted but for another
# name, refused again.
. "$top_srcdir/tests/lib.sh"

if ! command -v openssl >/dev/null; then
	if [ "${CI:-}" = true ]; then
		echo "Bail out! openssl is not installed (CI=true)"
		exit 1
	fi
	echo "1..0 # SKIP openssl is not installed"
	exit 0
fi
store=/etc/ssl/certs/ca-certificates.crt

# cert NAME SAN: a self-signed certificate and key, $tap_tmp/NAME.pem.
cert() {
	openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=$1" \
	    -addext "subjectAltName=$2" -days 2 -keyout "$tap_tmp/$1.key" \
	    -out "$tap_tmp/$1.pem" 2>/dev/null
}
# serve NAME: openssl s_server with that certificate on a free loopback
# port; sets $port.
serve() {
	openssl s_server -accept 127.0.0.1:0 -cert "$tap_tmp/$1.pem" \
	    -key "$tap_tmp/$1.key" -www >"$tap_tmp/$1.out" 2>&1 </dev/null &
	at_exit "kill $! 2>/dev/null"
	wait_for 10 grep -q '^ACCEPT' "$tap_tmp/$1.out"
	port=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$tap_tmp/$1.out")
}
printf 'not-a-real-pat\n' > "$tap_tmp/pat"
chmod 600 "$tap_tmp/pat"
doctor() { # [WRAPPER...]: doctor against https://127.0.0.1:$port/org
	out=$("$@" "$MLOPS_TUI" doctor --org "https://127.0.0.1:$port/org" \
	    --repo x --pat-file "$tap_tmp/pat" 2>&1 </dev/null)
}
# trusting PEM: run the rest with the system store holding PEM alone.
trusting() {
	_pem=$1
	shift
	unshare -r -m sh -c 'mount --bind "$0" "$1" && shift && exec "$@"' \
	    "$_pem" "$store" "$@"
}
refused="SSL peer certificate or SSH remote key was not OK"

cert localhost "IP:127.0.0.1,DNS:localhost"
[ -s "$tap_tmp/localhost.pem" ]
tap_result $? "a certificate for 127.0.0.1 is made"
serve localhost
[ -n "$port" ]
tap_result $? "openssl s_server serves it on loopback"

t0=$(date +%s)
doctor
contains "$out" "$refused" "a certificate nobody trusts: the connection is refused"
[ $(( $(date +%s) - t0 )) -lt 10 ]
tap_result $? "at once, not retried: the same certificate comes back ($(( $(date +%s) - t0 )) s)"
lacks "$out" "sign-in refused" "no answer of the server was read"

# A private mount namespace needs unprivileged user namespaces.
if unshare -r -m true 2>/dev/null; then
	doctor trusting "$tap_tmp/localhost.pem"
	lacks "$out" "$refused" "trusted by the system store: the connection is accepted"
	# s_server -www answers with an HTML page: read, and taken for the
	# sign-in page Azure DevOps shows a PAT it does not accept.
	contains "$out" "sign-in refused" "the server's answer is read"

	cert other "DNS:other.invalid"
	serve other
	doctor trusting "$tap_tmp/other.pem"
	contains "$out" "$refused" "trusted, but for another name: refused"
else
	for what in "trusted: accepted" "the server's answer is read" \
	    "trusted for another name: refused"; do
		tap_result 0 "$what # SKIP no unprivileged user namespace (unshare -r)"
	done
fi
done_testing
