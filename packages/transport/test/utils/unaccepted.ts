/**
 * A loopback port whose connections never complete: a child process listens with a backlog of
 * one and then blocks its event loop, so nothing is ever accepted. Once the kernel's accept queue
 * is full (two connections), further SYNs are dropped and a connect attempt hangs, exactly like a
 * black-holed remote host, without needing a network.
 */
import { spawn } from "node:child_process"
import * as net from "node:net"
import * as Effect from "effect/Effect"

const listener = `
const net = require("node:net")
const server = net.createServer()
server.listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => {
  process.stdout.write(server.address().port + "\\n")
  setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0), 20)
})
`

/** Tries one connection; true when it did not complete within `ms`. */
const hangs = (port: number, ms: number, sockets: Array<net.Socket>) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" })
    sockets.push(socket)
    const timer = setTimeout(() => resolve(true), ms)
    socket.once("connect", () => {
      clearTimeout(timer)
      resolve(false)
    })
    socket.once("error", () => {
      clearTimeout(timer)
      resolve(false)
    })
  })

/** The port, with its accept queue already full; the child and the sockets go with the scope. */
export const unacceptedPort = Effect.acquireRelease(
  Effect.promise(async () => {
    const child = spawn(process.execPath, ["-e", listener], { stdio: ["ignore", "pipe", "inherit"] })
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.once("data", (d) => resolve(Number(String(d).trim())))
      child.once("error", reject)
    })
    await new Promise((r) => setTimeout(r, 100)) // let the child block
    const sockets: Array<net.Socket> = []
    let full = false
    for (let i = 0; i < 8 && !full; i++) full = await hangs(port, 150, sockets)
    if (!full) throw new Error("could not fill the accept queue of the unaccepting listener")
    return { port, child, sockets }
  }),
  ({ child, sockets }) =>
    Effect.sync(() => {
      for (const s of sockets) s.destroy()
      child.kill("SIGKILL")
    })
)
