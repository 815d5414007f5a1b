//! Protocols on the world kernel, one module each, each citing its source.

pub mod backup_tm;
pub mod htlc;
pub mod ibc_transfer;
pub mod locking;
pub mod merge_blocks;
pub mod near_callbacks;
pub mod paxos_commit;
pub mod per_item;
pub mod receipts;
pub mod replay;
pub mod three_phase_commit;
pub mod train_hotel;
pub mod two_phase_commit;
pub mod yanking;
