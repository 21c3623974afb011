#!/bin/sh
# install-servers.sh installs the FTP servers used by the integration tests
# (internal/realserver): vsftpd and pyftpdlib from apt, pure-ftpd and proftpd
# unpacked from their Debian packages into $REPO/.cache/servers (they conflict
# with vsftpd as Debian packages). It also creates the system user "ftpkit"
# that every server logs in as.
#
# Run as root on Debian 12. Idempotent: a re-run with everything present
# does nothing and takes well under a second.
set -eu

REPO=$(cd "$(dirname "$0")/.." && pwd)
CACHE="$REPO/.cache/servers"

# FTP_USER and its password must match internal/realserver (user.go).
FTP_USER=ftpkit
# SHA-512 crypt of "ftpkit-secret" (openssl passwd -6 -salt ftpkitsalt ftpkit-secret).
FTP_HASH='$6$ftpkitsalt$WCJn/NWT0bhfMJwLvFd1iQBLqc9e3yBW6yLU9cI7isdAmgCR4gaGRGkMoVxrjdWeGXAUZEfR.UKwq6fQ.JvbN0'

APT_PKGS="vsftpd python3-pyftpdlib python3-openssl lftp curl openssl
libhiredis0.14 libmemcached11 libmemcachedutil2 libpcre2-posix3 libsodium23
libsasl2-2 libhashkit2"
DEB_PKGS="pure-ftpd pure-ftpd-common proftpd-core proftpd-mod-crypto"

if [ "$(id -u)" != 0 ]; then
	echo "install-servers.sh: must run as root" >&2
	exit 1
fi

updated=
apt_update() {
	if [ -z "$updated" ]; then
		apt-get update -qq >/dev/null
		updated=1
	fi
}

# installed PKG... prints the packages that are not installed.
missing_pkgs() {
	for p in "$@"; do
		s=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
		case "$s" in
		ii*) ;;
		*) echo "$p" ;;
		esac
	done
}

# shellcheck disable=SC2086
missing=$(missing_pkgs $APT_PKGS)
if [ -n "$missing" ]; then
	apt_update
	# Keep Debian's vsftpd service from starting on port 21: a policy-rc.d
	# that denies every start, removed again if we created it.
	own_policy=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		own_policy=1
	fi
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		$missing >/dev/null || { [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d; exit 1; }
	[ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
	# If an init system started it anyway, stop it; the tests run their own.
	if echo "$missing" | grep -qx vsftpd && [ -x /etc/init.d/vsftpd ]; then
		/etc/init.d/vsftpd stop >/dev/null 2>&1 || true
	fi
	echo "apt: installed $(echo "$missing" | tr '\n' ' ')"
fi

# Unpacked servers: re-extract only when a binary is missing.
if [ ! -x "$CACHE/usr/sbin/pure-ftpd" ] || [ ! -x "$CACHE/usr/bin/pure-pw" ] ||
	[ ! -x "$CACHE/usr/sbin/proftpd" ] || [ ! -f "$CACHE/usr/lib/proftpd/mod_tls.so" ]; then
	apt_update
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	# apt-get download runs as the _apt user when it can: let it write.
	chown _apt "$tmp" 2>/dev/null || chmod 777 "$tmp"
	# shellcheck disable=SC2086
	(cd "$tmp" && apt-get download -qq $DEB_PKGS >/dev/null 2>&1 ||
		apt-get download $DEB_PKGS)
	rm -rf "$CACHE"
	mkdir -p "$CACHE"
	for deb in "$tmp"/*.deb; do
		dpkg -x "$deb" "$CACHE"
		dpkg-deb -f "$deb" Package Version | paste -sd' ' >>"$CACHE/VERSIONS"
	done
	echo "unpacked: $(cd "$tmp" && ls ./*.deb | sed 's|^\./||' | tr '\n' ' ')into $CACHE"
fi

# The login user: a real account for vsftpd (PAM), its uid/gid reused by the
# virtual users of proftpd and pure-ftpd. A fast SHA-512 crypt hash keeps
# logins cheap.
if ! id "$FTP_USER" >/dev/null 2>&1; then
	useradd --create-home --home-dir "/home/$FTP_USER" --shell /bin/sh "$FTP_USER"
	echo "user: created $FTP_USER"
fi
if [ "$(getent shadow "$FTP_USER" | cut -d: -f2)" != "$FTP_HASH" ]; then
	usermod -p "$FTP_HASH" "$FTP_USER"
fi
[ -d "/home/$FTP_USER" ] || install -d -o "$FTP_USER" -g "$FTP_USER" "/home/$FTP_USER"
# vsftpd's anonymous user (Debian's package normally creates it).
if ! id ftp >/dev/null 2>&1; then
	useradd --system --home-dir /srv/ftp --shell /usr/sbin/nologin ftp
	echo "user: created ftp"
fi

# One line per server.
ver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null; }
debver() { awk -v p="$1" '$2 == p { print $4 }' "$CACHE/VERSIONS" 2>/dev/null; }
echo "vsftpd:    $(command -v vsftpd) ($(ver vsftpd))"
echo "pyftpdlib: /usr/bin/python3 $(/usr/bin/python3 -c 'import pyftpdlib; print(pyftpdlib.__ver__)' 2>/dev/null || echo MISSING)"
echo "pure-ftpd: $CACHE/usr/sbin/pure-ftpd ($(debver pure-ftpd))"
echo "proftpd:   $CACHE/usr/sbin/proftpd ($(debver proftpd-core), mod_tls $(debver proftpd-mod-crypto))"
