#!/usr/bin/python3
"""VMware's own Python client (Debian's python3-pyvmomi) against a vCenter: connect with the CA, find the
template, clone it with cloud-init in guestinfo, power on, read the guest IP, scrub the user data, power off,
destroy, and see a wrong password refused. Prints one JSON object of what it saw; exits 1 on any error.

Configuration in the environment: VC_HOST, VC_PORT, VC_USER, VC_PASSWORD, VC_CAFILE, VC_DATACENTER, VC_FOLDER,
VC_TEMPLATE (path under the VM folder), VC_CLUSTER, VC_DATASTORE, VC_VM, VC_USERDATA (base64 gzip), VC_METADATA (base64).
"""
import json
import os
import ssl
import sys
import time

from pyVim.connect import Disconnect, SmartConnect
from pyVim.task import WaitForTask
from pyVmomi import vim

env = os.environ
ctx = ssl.create_default_context(cafile=env["VC_CAFILE"])
out = {}

try:
    SmartConnect(host=env["VC_HOST"], port=int(env["VC_PORT"]), user=env["VC_USER"], pwd=env["VC_PASSWORD"] + "-wrong", sslContext=ctx)
    out["wrongPassword"] = "accepted"
except vim.fault.InvalidLogin as e:
    out["wrongPassword"] = "InvalidLogin: " + e.msg

si = SmartConnect(host=env["VC_HOST"], port=int(env["VC_PORT"]), user=env["VC_USER"], pwd=env["VC_PASSWORD"], sslContext=ctx)
content = si.RetrieveContent()
out["apiVersion"] = content.about.apiVersion
out["apiType"] = content.about.apiType
find = content.searchIndex.FindByInventoryPath
dc = env["VC_DATACENTER"]
template = find("%s/vm/%s" % (dc, env["VC_TEMPLATE"]))
out["templateIsTemplate"] = template.config.template
folder = find("%s/vm/%s" % (dc, env["VC_FOLDER"]))
pool = find("%s/host/%s/Resources" % (dc, env["VC_CLUSTER"]))
datastore = find("%s/datastore/%s" % (dc, env["VC_DATASTORE"]))

extra = [
    vim.option.OptionValue(key="guestinfo.userdata", value=env["VC_USERDATA"]),
    vim.option.OptionValue(key="guestinfo.userdata.encoding", value="gzip+base64"),
    vim.option.OptionValue(key="guestinfo.metadata", value=env["VC_METADATA"]),
    vim.option.OptionValue(key="guestinfo.metadata.encoding", value="base64"),
]
spec = vim.vm.CloneSpec(
    location=vim.vm.RelocateSpec(pool=pool, datastore=datastore),
    powerOn=False,
    template=False,
    config=vim.vm.ConfigSpec(numCPUs=2, memoryMB=4096, extraConfig=extra),
)
task = template.CloneVM_Task(folder=folder, name=env["VC_VM"], spec=spec)
out["cloneTask"] = WaitForTask(task)
vm = task.info.result
out["vmFoundByPath"] = find("%s/vm/%s/%s" % (dc, env["VC_FOLDER"], env["VC_VM"])) == vm
out["vmCpus"] = vm.config.hardware.numCPU
out["vmMemoryMB"] = vm.config.hardware.memoryMB
keys = {o.key: o.value for o in vm.config.extraConfig}
out["userdataKept"] = keys.get("guestinfo.userdata") == env["VC_USERDATA"]
out["byInstanceUuid"] = content.searchIndex.FindByUuid(None, vm.config.instanceUuid, True, True) == vm

out["powerOnTask"] = WaitForTask(vm.PowerOnVM_Task())
out["powerState"] = vm.runtime.powerState
deadline = time.time() + 20
while vm.guest.ipAddress is None and time.time() < deadline:
    time.sleep(0.2)
out["guestIp"] = vm.guest.ipAddress
out["guestHostName"] = vm.guest.hostName
out["summaryIp"] = vm.summary.guest.ipAddress

scrub = vim.vm.ConfigSpec(extraConfig=[vim.option.OptionValue(key="guestinfo.userdata", value="")])
out["scrubTask"] = WaitForTask(vm.ReconfigVM_Task(spec=scrub))
out["userdataAfterScrub"] = [o.key for o in vm.config.extraConfig if o.key == "guestinfo.userdata"]

try:
    WaitForTask(vm.Destroy_Task())
    out["destroyWhileOn"] = "accepted"
except vim.fault.InvalidPowerState as e:
    out["destroyWhileOn"] = "InvalidPowerState"
out["powerOffTask"] = WaitForTask(vm.PowerOffVM_Task())
out["destroyTask"] = WaitForTask(vm.Destroy_Task())
out["vmAfterDestroy"] = find("%s/vm/%s/%s" % (dc, env["VC_FOLDER"], env["VC_VM"])) is None
out["templateAfterDestroy"] = find("%s/vm/%s" % (dc, env["VC_TEMPLATE"])) == template
Disconnect(si)
print(json.dumps(out))
