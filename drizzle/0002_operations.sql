CREATE TABLE `operations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`profile_id` integer NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer NOT NULL,
	`source` text NOT NULL,
	`user` text,
	`action` text NOT NULL,
	`type` text NOT NULL,
	`vmid` integer NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`node` text NOT NULL,
	`risk` text,
	`outcome` text NOT NULL,
	`message` text DEFAULT '' NOT NULL,
	`exit_status` text,
	`upid` text,
	`duration_ms` integer,
	`calls` text DEFAULT '[]' NOT NULL,
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `operations_guest_idx` ON `operations` (`profile_id`,`type`,`vmid`,`started_at`);--> statement-breakpoint
CREATE INDEX `operations_time_idx` ON `operations` (`profile_id`,`started_at`);