//! `#[instr::handler]` on free functions, methods, sync and async, with recording options,
//! through an import and an alias; `#[instr::exempt]` with a reason.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use instr::handler;
use instr::handler as serves;

mod schema {
    instr::schema!("instr.toml");
}

use schema::{labels, metrics};

#[instr::handler(feature = "payments")]
fn plain() -> u32 {
    1
}

#[handler(
    feature = "payments",
    calls = metrics::HandlerCallsTotal,
    latency = metrics::PaymentLatencySeconds { outcome: labels::Outcome::Success },
    ok = metrics::PaymentsTotal { outcome: labels::Outcome::Success, provider: labels::Provider::Stripe },
    err = metrics::HandlerErrorsTotal,
)]
fn pay(amount: u64) -> Result<u64, String> {
    if amount == 0 {
        return Err("nothing to pay".to_owned());
    }
    let doubled = amount.checked_mul(2).ok_or("overflow")?;
    Ok(doubled)
}

#[serves(feature = "refunds", err = metrics::HandlerErrorsTotal)]
async fn refund(amount: u64) -> Result<u64, String> {
    if amount > 10 {
        return Err("too much".to_owned());
    }
    Ok(amount)
}

struct Api;

impl Api {
    #[instr::handler(feature = "payments", calls = metrics::HandlerCallsTotal)]
    fn by_ref(&self) -> &'static str {
        "ok"
    }

    #[instr::handler(feature = "refunds")]
    async fn by_value(self) -> u8 {
        7
    }

    #[instr::exempt(reason = "health check for the load balancer")]
    fn health(&self) -> bool {
        true
    }
}

fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut context) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("these futures never wait"),
    }
}

fn main() {
    let recorder = instr::testing::Recorder::start();
    assert_eq!(plain(), 1);
    assert_eq!(pay(2), Ok(4));
    assert_eq!(pay(0), Err("nothing to pay".to_owned()));
    assert_eq!(block_on(refund(3)), Ok(3));
    assert_eq!(block_on(refund(30)), Err("too much".to_owned()));
    assert_eq!(Api.by_ref(), "ok");
    assert_eq!(block_on(Api.by_value()), 7);
    assert!(Api.health());
    assert_eq!(recorder.counter("handler_calls_total", &[]), 3);
    assert_eq!(recorder.counter("handler_errors_total", &[]), 2);
    assert_eq!(
        recorder.counter("payments_total", &[("outcome", "success"), ("provider", "stripe")]),
        1
    );
    assert_eq!(
        recorder
            .histogram("payment_latency_seconds", &[("outcome", "success")])
            .count(),
        2
    );
}
