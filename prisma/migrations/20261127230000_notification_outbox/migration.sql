-- AlterTable
ALTER TABLE "Notification" ADD COLUMN "deliveredAt" DATETIME;

-- CreateIndex
CREATE INDEX "Notification_deliveredAt_id_idx" ON "Notification"("deliveredAt", "id");

