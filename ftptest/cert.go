package ftptest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"time"
)

// A CA is an in-memory certificate authority for tests. It issues leaf
// certificates for host names and IP addresses, valid or expired.
type CA struct {
	// Certificate is the self-signed CA certificate.
	Certificate *x509.Certificate
	// Key is the CA's private key.
	Key crypto.Signer
}

// NewCA generates a new ECDSA P-256 certificate authority valid for one day.
func NewCA() (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{Organization: []string{"ftptest"}, CommonName: "ftptest CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Certificate: cert, Key: key}, nil
}

// Issue returns a leaf certificate, with its chain, signed by ca and valid
// for the given hosts (names or IP addresses). With no hosts it is valid
// for 127.0.0.1, ::1 and localhost.
func (ca *CA) Issue(hosts ...string) (tls.Certificate, error) {
	now := time.Now()
	return ca.issue(now.Add(-time.Hour), now.Add(24*time.Hour), hosts)
}

// IssueExpired is like Issue but returns a certificate that expired an hour
// ago.
func (ca *CA) IssueExpired(hosts ...string) (tls.Certificate, error) {
	now := time.Now()
	return ca.issue(now.Add(-48*time.Hour), now.Add(-time.Hour), hosts)
}

func (ca *CA) issue(notBefore, notAfter time.Time, hosts []string) (tls.Certificate, error) {
	if len(hosts) == 0 {
		hosts = []string{"127.0.0.1", "::1", "localhost"}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{Organization: []string{"ftptest"}, CommonName: hosts[0]},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Certificate, key.Public(), ca.Key)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{
		Certificate: [][]byte{der, ca.Certificate.Raw},
		PrivateKey:  key,
		Leaf:        leaf,
	}, nil
}

// Pool returns a certificate pool holding only the CA certificate.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Certificate)
	return p
}

// PEM returns the CA certificate in PEM form, for tools that read files.
func (ca *CA) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Certificate.Raw})
}

// ClientConfig returns a client TLS configuration that trusts only ca,
// verifies serverName and caches sessions so that data connections can
// resume the control connection's TLS session.
func (ca *CA) ClientConfig(serverName string) *tls.Config {
	return &tls.Config{
		RootCAs:            ca.Pool(),
		ServerName:         serverName,
		ClientSessionCache: tls.NewLRUClientSessionCache(0),
	}
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic("ftptest: " + err.Error())
	}
	return n
}
