-- Prints wrk's totals as one line of JSON, the last of its output, for bench/wrk.ts.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"seconds":%.6f,"socketErrors":%d,"statusErrors":%d}\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout, e.status))
end
