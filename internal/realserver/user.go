package realserver

// The FTP login of every server. scripts/install-servers.sh creates the
// system user User with this password (vsftpd authenticates it through PAM);
// proftpd and pure-ftpd get a virtual user with the same uid, name and
// password hash.
const (
	User     = "ftpkit"
	Password = "ftpkit-secret"

	// passwordHash is a SHA-512 crypt hash of Password: fast to check,
	// unlike the defaults of pure-pw (argon2) or Debian (yescrypt).
	passwordHash = "$6$ftpkitsalt$WCJn/NWT0bhfMJwLvFd1iQBLqc9e3yBW6yLU9cI7isdAmgCR4gaGRGkMoVxrjdWeGXAUZEfR.UKwq6fQ.JvbN0"
)
