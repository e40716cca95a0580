// VMware's vCenter simulator (govmomi's simulator package, from Debian), started for akb's tests: one datacenter,
// one compute cluster of 3 hosts, one datastore, one distributed port group and one VM template. It prints one JSON
// line (URL, PEM certificate) and serves until its standard input closes, so it never outlives the test.
package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"flag"
	"io"
	"log"
	"net/url"
	"os"

	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/soap"
)

func main() {
	user := flag.String("username", "akb@vsphere.local", "login user")
	password := flag.String("password", "", "login password (read from the environment variable VCSIM_PASSWORD if empty)")
	cert := flag.String("tlscert", "", "PEM certificate file (default: Go's built-in localhost test certificate)")
	key := flag.String("tlskey", "", "PEM key file")
	cloneDelay := flag.Int("clone-delay-ms", 0, "delay before CloneVM_Task runs, to kill a client mid-clone")
	template := flag.String("template", "ubuntu-2404-kube", "name given to the VM that is marked as a template")
	flag.Parse()
	if *password == "" {
		*password = os.Getenv("VCSIM_PASSWORD")
	}

	model := simulator.VPX()
	model.ClusterHost = 3
	model.Machine = 1
	model.Host = 0
	model.Autostart = false
	model.DelayConfig.MethodDelay = map[string]int{"CloneVM_Task": *cloneDelay}
	if err := model.Create(); err != nil {
		log.Fatal(err)
	}
	model.Service.TLS = new(tls.Config)
	if *cert != "" {
		pair, err := tls.LoadX509KeyPair(*cert, *key)
		if err != nil {
			log.Fatal(err)
		}
		model.Service.TLS.Certificates = []tls.Certificate{pair}
	}
	model.Service.Listen = &url.URL{Host: "127.0.0.1:0", User: url.UserPassword(*user, *password)}
	server := model.Service.NewServer()

	// The clone source: the model's one VM, renamed and marked as a template (as a site's golden image is).
	ctx := context.Background()
	vc, err := vim25.NewClient(ctx, soap.NewClient(server.URL, true))
	if err != nil {
		log.Fatal(err)
	}
	if err = session.NewManager(vc).Login(ctx, url.UserPassword(*user, *password)); err != nil {
		log.Fatal(err)
	}
	finder := find.NewFinder(vc, true)
	vm, err := finder.VirtualMachine(ctx, "/DC0/vm/DC0_C0_RP0_VM0")
	if err != nil {
		log.Fatal(err)
	}
	task, err := vm.Rename(ctx, *template)
	if err == nil {
		err = task.Wait(ctx)
	}
	if err == nil {
		err = vm.MarkAsTemplate(ctx)
	}
	if err != nil {
		log.Fatal(err)
	}

	u := *server.URL
	u.User = nil
	certPem := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: server.Certificate().Raw})
	_ = json.NewEncoder(os.Stdout).Encode(map[string]string{"url": u.String(), "certPem": string(certPem), "template": *template})
	_, _ = io.Copy(io.Discard, os.Stdin)
	server.Close()
}
