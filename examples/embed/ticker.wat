;; ticker.wat — the guest of suspend_resume.c: sums host.next() over n
;; rounds, spinning a while between calls, so the embedder sees both fuel
;; slices running out and the host call suspending.
(module
  (import "host" "next" (func $next (param i32) (result i32)))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $sum i32) (local $spin i32)
    (block $done
      (loop $round
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $spin (i32.const 2500))
        (loop $busy
          (local.set $spin (i32.sub (local.get $spin) (i32.const 1)))
          (br_if $busy (local.get $spin)))
        (local.set $sum (i32.add (local.get $sum) (call $next (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $round)))
    (local.get $sum)))
