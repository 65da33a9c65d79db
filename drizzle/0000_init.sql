CREATE TABLE `guests` (
	`profile_id` integer NOT NULL,
	`type` text NOT NULL,
	`vmid` integer NOT NULL,
	`node` text NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`template` integer DEFAULT false NOT NULL,
	`tags` text DEFAULT '' NOT NULL,
	`pool` text,
	`lock` text,
	`hastate` text,
	`cpu` real,
	`maxcpu` integer,
	`mem` integer,
	`maxmem` integer,
	`disk` integer,
	`maxdisk` integer,
	`uptime` integer,
	`netin` integer,
	`netout` integer,
	`diskread` integer,
	`diskwrite` integer,
	`config` text,
	`config_digest` text,
	`config_fingerprint` text,
	PRIMARY KEY(`profile_id`, `vmid`, `type`),
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "guests_type_check" CHECK("guests"."type" in ('qemu', 'lxc'))
);
--> statement-breakpoint
CREATE INDEX `guests_node_idx` ON `guests` (`profile_id`,`node`);--> statement-breakpoint
CREATE INDEX `guests_status_idx` ON `guests` (`profile_id`,`status`);--> statement-breakpoint
CREATE TABLE `history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`profile_id` integer NOT NULL,
	`sync_run_id` integer NOT NULL,
	`at` integer NOT NULL,
	`type` text NOT NULL,
	`vmid` integer NOT NULL,
	`event` text NOT NULL,
	`field` text,
	`old` text,
	`new` text,
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`sync_run_id`) REFERENCES `sync_runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `history_guest_idx` ON `history` (`profile_id`,`type`,`vmid`,`at`);--> statement-breakpoint
CREATE INDEX `history_time_idx` ON `history` (`profile_id`,`at`);--> statement-breakpoint
CREATE INDEX `history_run_idx` ON `history` (`sync_run_id`);--> statement-breakpoint
CREATE TABLE `networks` (
	`profile_id` integer NOT NULL,
	`node` text NOT NULL,
	`iface` text NOT NULL,
	`type` text NOT NULL,
	`active` integer NOT NULL,
	`autostart` integer,
	`address` text,
	`cidr` text,
	`gateway` text,
	`bridge_ports` text,
	`vlan_id` integer,
	`comments` text,
	PRIMARY KEY(`profile_id`, `node`, `iface`),
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `nodes` (
	`profile_id` integer NOT NULL,
	`node` text NOT NULL,
	`status` text NOT NULL,
	`cpu` real,
	`maxcpu` integer,
	`mem` integer,
	`maxmem` integer,
	`disk` integer,
	`maxdisk` integer,
	`uptime` integer,
	`level` text,
	`ssl_fingerprint` text,
	PRIMARY KEY(`profile_id`, `node`),
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `pool_members` (
	`profile_id` integer NOT NULL,
	`poolid` text NOT NULL,
	`member` text NOT NULL,
	PRIMARY KEY(`profile_id`, `poolid`, `member`),
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`profile_id`,`poolid`) REFERENCES `pools`(`profile_id`,`poolid`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `pools` (
	`profile_id` integer NOT NULL,
	`poolid` text NOT NULL,
	`comment` text,
	PRIMARY KEY(`profile_id`, `poolid`),
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `profiles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`endpoint` text NOT NULL,
	`cluster_name` text,
	`pve_version` text,
	`verified_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `profiles_name_unique` ON `profiles` (`name`);--> statement-breakpoint
CREATE TABLE `snapshots` (
	`profile_id` integer NOT NULL,
	`type` text NOT NULL,
	`vmid` integer NOT NULL,
	`name` text NOT NULL,
	`parent` text,
	`description` text,
	`snaptime` integer,
	`vmstate` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`profile_id`, `vmid`, `type`, `name`),
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`profile_id`,`type`,`vmid`) REFERENCES `guests`(`profile_id`,`type`,`vmid`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `storage` (
	`profile_id` integer NOT NULL,
	`node` text NOT NULL,
	`storage` text NOT NULL,
	`type` text NOT NULL,
	`content` text DEFAULT '' NOT NULL,
	`shared` integer NOT NULL,
	`enabled` integer NOT NULL,
	`active` integer NOT NULL,
	`status` text,
	`total` integer,
	`used` integer,
	`avail` integer,
	PRIMARY KEY(`profile_id`, `node`, `storage`),
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `storage_content` (
	`profile_id` integer NOT NULL,
	`node` text NOT NULL,
	`storage` text NOT NULL,
	`volid` text NOT NULL,
	`content` text NOT NULL,
	`format` text,
	`size` integer,
	`vmid` integer,
	`ctime` integer,
	`notes` text,
	PRIMARY KEY(`profile_id`, `node`, `storage`, `volid`),
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `sync_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`profile_id` integer NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`outcome` text,
	`counts` text DEFAULT '{}' NOT NULL,
	`error` text,
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sync_runs_profile_idx` ON `sync_runs` (`profile_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`profile_id` integer NOT NULL,
	`upid` text NOT NULL,
	`node` text NOT NULL,
	`type` text NOT NULL,
	`id` text NOT NULL,
	`user` text NOT NULL,
	`starttime` integer NOT NULL,
	`endtime` integer,
	`status` text,
	PRIMARY KEY(`profile_id`, `upid`),
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `tasks_starttime_idx` ON `tasks` (`profile_id`,`starttime`);--> statement-breakpoint
CREATE INDEX `tasks_object_idx` ON `tasks` (`profile_id`,`id`,`starttime`);